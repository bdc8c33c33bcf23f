// `models verify`: a model folder is complete, matches its manifest and loads in the engine.

import Foundation
import SenseVoiceEngine

/// What verifying a model folder found.
public struct VerificationReport: Sendable {
    /// The folder checked.
    public var directory: String
    /// The model it was checked as (from the manifest, or guessed from its files); nil when unrecognisable.
    public var model: HubModel?
    /// The manifest, when the folder has one.
    public var manifest: ModelManifest?
    /// Total bytes of the model's files.
    public var totalBytes: Int64 = 0
    /// Whether SHA-256 checksums were compared.
    public var checkedChecksums = false
    /// Every problem found, as sentences; empty means verified.
    public var problems: [String] = []

    /// True when nothing is wrong.
    public var isVerified: Bool { problems.isEmpty }
}

/// Checks model folders: required files, manifest sizes and SHA-256s, and a full engine load.
public enum ModelVerifier {
    /// Guesses which catalog model a folder holds: its manifest's, else a tokenizer means SenseVoice,
    /// else `config.yaml` + `model.pt` + `am.mvn` means FSMN-VAD.
    public static func detectModel(directory: String, manifest: ModelManifest?) -> HubModel? {
        if let name = manifest?.model, let model = try? ModelCatalog.model(named: name) { return model }
        let fm = FileManager.default
        let listing = (try? fm.contentsOfDirectory(atPath: directory)) ?? []
        if listing.contains(where: { $0.hasSuffix(".bpe.model") }) || listing.contains("tokens.txt") {
            return ModelCatalog.senseVoiceSmall
        }
        if let config = try? String(contentsOfFile: (directory as NSString).appendingPathComponent("config.yaml"), encoding: .utf8) {
            if config.contains("SenseVoice") { return ModelCatalog.senseVoiceSmall }
            if config.contains("FSMN") || config.contains("fsmn") { return ModelCatalog.fsmnVAD }
            if config.contains("CAMPPlus") { return ModelCatalog.campPlus }
        }
        return nil
    }

    /// Verifies a folder.
    /// - Parameters:
    ///   - model: the model to check it as; nil to detect it.
    ///   - checksums: compare SHA-256s with the manifest (slower: reads every byte).
    ///   - load: load it with the engine's loader (config, tokenizer, every tensor's name and shape).
    public static func verify(directory: String, as model: HubModel? = nil, checksums: Bool = true, load: Bool = true) -> VerificationReport {
        var report = VerificationReport(directory: directory)
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            report.problems.append("\(directory) is not a folder")
            return report
        }
        do { report.manifest = try ModelManifest.read(directory: directory) } catch {
            report.problems.append((error as? HubError)?.message ?? "\(error)")
        }
        guard let model = model ?? detectModel(directory: directory, manifest: report.manifest) else {
            report.problems.append("\(directory) does not look like a SenseVoiceSmall or FSMN-VAD model folder (no manifest, tokenizer or recognisable config.yaml)")
            return report
        }
        report.model = model
        if let manifest = report.manifest, manifest.model != model.name {
            report.problems.append("the manifest says \(manifest.model), not \(model.name)")
        }

        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        func size(_ name: String) -> Int64? { ((try? fm.attributesOfItem(atPath: path(name))[.size]) as? NSNumber)?.int64Value }

        var counted = Set<String>()
        for name in model.requiredFiles {
            if let s = size(name) { report.totalBytes += s; counted.insert(name) } else {
                report.problems.append("\(name) is missing")
            }
        }
        if let manifest = report.manifest {
            report.checkedChecksums = checksums
            for entry in manifest.files {
                guard let actual = size(entry.path) else {
                    report.problems.append("\(entry.path) is listed in the manifest but missing")
                    continue
                }
                if !counted.contains(entry.path) { report.totalBytes += actual; counted.insert(entry.path) }
                if actual != entry.size {
                    report.problems.append("\(entry.path) has \(actual) bytes, the manifest says \(entry.size)")
                    continue
                }
                if checksums {
                    do {
                        let digest = try SHA256.hash(fileAt: path(entry.path)).hex
                        if digest != entry.sha256 {
                            report.problems.append("\(entry.path) has SHA-256 \(digest), the manifest says \(entry.sha256)")
                        }
                    } catch {
                        report.problems.append((error as? HubError)?.message ?? "\(error)")
                    }
                }
            }
        }
        if load && report.problems.isEmpty {
            do { try model.load(directory: directory) } catch {
                report.problems.append("the engine cannot load it: \(error)")
            }
        }
        return report
    }
}
