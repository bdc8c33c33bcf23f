// `models list`: every place a known model may live, what is there and whether it verifies.

public import Foundation
import SenseVoiceEngine

/// One model folder found on disk.
public struct InstalledModel: Sendable {
    /// The catalog model.
    public var model: HubModel
    /// The folder.
    public var directory: String
    /// Where it was found: `sensevoice`, `modelscope`, `huggingface` or `environment`.
    public var origin: String
    /// The verification result.
    public var report: VerificationReport
}

/// Finds models in the sensevoice cache, `$SENSEVOICE_MODEL`/`$SENSEVOICE_VAD_MODEL`, and FunASR's hub caches.
public enum ModelInventory {
    /// Every folder holding a `model.pt` among the candidates of every catalog model, verified.
    /// - Parameters:
    ///   - cacheDirectory: the sensevoice cache to include (its `<model name>` folders).
    ///   - checksums: compare manifest SHA-256s (reads every byte).
    public static func scan(cacheDirectory: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                            checksums: Bool = true) -> [InstalledModel] {
        var out: [InstalledModel] = []
        let fm = FileManager.default
        for model in ModelCatalog.all {
            let override = ModelCatalog.environmentOverride(of: model)
            var candidates = [(cacheDirectory as NSString).appendingPathComponent(model.name)]
            candidates += ModelLocator.candidates(override: override, cacheName: model.name, modelScopeID: model.modelScopeID,
                                                  huggingFaceRepo: model.huggingFaceRepo, environment: environment)
            var seen = Set<String>()
            for candidate in candidates {
                let key = URL(fileURLWithPath: candidate).standardizedFileURL.resolvingSymlinksInPath().path
                guard seen.insert(key).inserted,
                      fm.fileExists(atPath: (candidate as NSString).appendingPathComponent(ModelCatalog.weightsFile(of: model))) else { continue }
                let origin: String
                if candidate == environment[override] { origin = "$\(override)" }
                else if candidate.contains("/models--") { origin = "huggingface" }
                else if candidate.contains(model.modelScopeID) { origin = "modelscope" }
                else { origin = "sensevoice" }
                let report = ModelVerifier.verify(directory: candidate, as: model, checksums: checksums, load: true)
                out.append(InstalledModel(model: model, directory: candidate, origin: origin, report: report))
            }
        }
        return out
    }
}
