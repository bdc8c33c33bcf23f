// `sensevoice models pull|list|verify`: download, find and check SenseVoiceSmall and FSMN-VAD model folders.

import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SenseVoiceEngine
import SenseVoiceHub
import Synchronization

/// Model management: `pull`, `list`, `verify`.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Download, list and verify models (sensevoice-small, fsmn-vad, cam++).",
        discussion: """
        Exit status: 0 done, 1 local I/O problem, 2 bad options, 3 model problem (not on the hub, \
        or a folder that does not verify), 5 network or hub problem (unreachable, HTTP error, \
        refused token), 6 a download kept failing its size or SHA-256 check.
        """,
        subcommands: [Pull.self, List.self, Verify.self]
    )

    /// `12.3 MB`.
    static func formatBytes(_ bytes: Int64) -> String {
        let units = ["B", "KB", "MB", "GB"]
        var value = Double(bytes), unit = 0
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
    }

    // MARK: - pull

    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download a model into the cache, or find a complete copy already there.",
            discussion: """
            Downloads only the files the engine needs (plus configuration.json) into \
            CACHE/NAME.partial, resuming interrupted files with HTTP range requests and checking \
            each file's size and SHA-256 (a mismatch restarts the file, up to --attempts times). \
            The folder gets a .sensevoice-manifest.json, is loaded by the engine, then renamed to \
            CACHE/NAME. Prints the model folder on stdout. A complete copy in the cache or in \
            FunASR's ModelScope / Hugging Face caches is used instead of downloading (--force \
            downloads anyway). Hub endpoints: HF_ENDPOINT (default https://huggingface.co), \
            HF_TOKEN; MODELSCOPE_DOMAIN (default www.modelscope.cn, or a full URL).
            """
        )

        @Argument(help: "The model: sensevoice-small, fsmn-vad or cam++.")
        var name: String

        @Option(help: "Where to download from: modelscope or huggingface.")
        var source: String = HubKind.modelscope.rawValue

        @Option(help: "The cache folder (default: $XDG_CACHE_HOME/sensevoice or ~/.cache/sensevoice).")
        var cache: String?

        @Option(help: "The hub revision: a branch, tag or commit (default: master on ModelScope, main on Hugging Face).")
        var revision: String?

        @Flag(help: "Download even when a complete copy is already present.")
        var force = false

        @Option(help: "Attempts per file before giving up.")
        var attempts = 3

        @Flag(help: "Show progress on stderr even when it is not a terminal.")
        var progress = false

        func validate() throws {
            guard HubKind(rawValue: source) != nil else {
                throw ValidationError("unknown --source '\(source)'; use modelscope or huggingface")
            }
            guard attempts >= 1 else { throw ValidationError("--attempts must be at least 1") }
            guard ModelCatalog.all.contains(where: { $0.name == name }) else {
                throw ValidationError("unknown model '\(name)'; use one of: \(ModelCatalog.all.map(\.name).joined(separator: ", "))")
            }
        }

        func run() async throws {
            let model = try ModelCatalog.model(named: name)
            let environment = ProcessInfo.processInfo.environment
            let hub = try HubSources.make(HubKind(rawValue: source) ?? .modelscope, environment: environment)
            var options = PullOptions(model: model, revision: revision,
                                      cacheDirectory: cache ?? ModelLocator.cacheDirectory(environment: environment))
            options.force = force
            options.maxAttempts = attempts
            options.environment = environment
            let display = ProgressDisplay(live: progress || isatty(STDERR_FILENO) == 1, terminal: isatty(STDERR_FILENO) == 1)
            let downloader = ModelDownloader(source: hub) { display.handle($0) }
            let result = try await downloader.pull(options)
            display.finish()
            if result.downloaded {
                let files = result.manifest?.files ?? []
                printError("installed \(model.name) (\(files.count) files, \(ModelsCommand.formatBytes(files.reduce(0) { $0 + $1.size }))) from \(hub.kind.rawValue) in \(result.directory)")
            } else {
                printError("\(model.name) is already complete in \(result.directory); nothing downloaded (use --force to download again)")
            }
            print(result.directory)
        }
    }

    // MARK: - list

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the model folders found, their size and whether they verify.",
            discussion: """
            Looks in the cache (--cache), $SENSEVOICE_MODEL / $SENSEVOICE_VAD_MODEL, FunASR's ModelScope \
            cache ($MODELSCOPE_CACHE, default ~/.cache/modelscope/hub) and the Hugging Face cache \
            ($HF_HUB_CACHE or $HF_HOME/hub). Each folder is loaded by the engine and, when it has a \
            manifest, its files are checked against it (--quick compares sizes only).
            """
        )

        @Option(help: "The cache folder (default: $XDG_CACHE_HOME/sensevoice or ~/.cache/sensevoice).")
        var cache: String?

        @Flag(help: "Compare sizes only, not SHA-256 checksums.")
        var quick = false

        @Flag(help: "Print one JSON object per folder.")
        var json = false

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let found = ModelInventory.scan(cacheDirectory: cache ?? ModelLocator.cacheDirectory(environment: environment),
                                            environment: environment, checksums: !quick)
            for entry in found {
                let status = !entry.report.isVerified ? "broken" : entry.report.manifest != nil ? "verified" : "loads"
                if json {
                    let object: [String: Any] = ["model": entry.model.name, "path": entry.directory, "origin": entry.origin,
                                                 "bytes": entry.report.totalBytes, "status": status,
                                                 "manifest": entry.report.manifest != nil, "problems": entry.report.problems]
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    print([entry.model.name, status, ModelsCommand.formatBytes(entry.report.totalBytes), entry.origin, entry.directory]
                        .joined(separator: "\t"))
                    for problem in entry.report.problems { print("\t\(problem)") }
                }
            }
            if !json {
                for model in ModelCatalog.all where !found.contains(where: { $0.model == model }) {
                    print("\(model.name)\tnot found\t-\t-\t(run: sensevoice models pull \(model.name))")
                }
            }
        }
    }

    // MARK: - verify

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that a model folder is complete, matches its manifest and loads.",
            discussion: "Exit status 0 when it verifies, 3 when it does not (each problem is printed on stderr)."
        )

        @Argument(help: "The model folder.")
        var directory: String

        @Option(help: "Check it as this model (sensevoice-small, fsmn-vad or cam++); default: from its manifest or files.")
        var model: String?

        @Flag(help: "Compare sizes only, not SHA-256 checksums.")
        var quick = false

        func run() async throws {
            let asModel = try model.map { try ModelCatalog.model(named: $0) }
            let report = ModelVerifier.verify(directory: directory, as: asModel, checksums: !quick, load: true)
            guard report.isVerified else {
                for problem in report.problems { printError("\(directory): \(problem)") }
                throw HubError(.verificationFailed, "\(directory) does not verify (\(report.problems.count) problem\(report.problems.count == 1 ? "" : "s")); run `sensevoice models pull \(report.model?.name ?? "NAME") --force` to download it again")
            }
            let what = report.manifest == nil ? "loads; no manifest, so no checksums to compare"
                : report.checkedChecksums ? "loads; sizes and SHA-256 match the manifest" : "loads; sizes match the manifest"
            print("\(directory): verified \(report.model?.name ?? "") (\(ModelsCommand.formatBytes(report.totalBytes)); \(what))")
        }
    }
}

/// Download progress on stderr: one updating line on a terminal, plain lines otherwise.
final class ProgressDisplay: Sendable {
    private struct State {
        var lastPercent: [String: Int] = [:]
        var lineOpen = false
    }
    private let live: Bool
    private let terminal: Bool
    private let state = Mutex(State())

    init(live: Bool, terminal: Bool) {
        self.live = live
        self.terminal = terminal
    }

    func handle(_ event: PullEvent) {
        switch event {
        case .retrying(let file, let attempt, let reason):
            line("\(file): attempt \(attempt) failed (\(reason)); retrying")
        case .reusing(let directory):
            if live { line("found a complete copy in \(directory)") }
        case .plan(let repository, let revision, let files):
            if live { line("\(repository)@\(revision): \(files.count) files, \(ModelsCommand.formatBytes(files.reduce(0) { $0 + ($1.size ?? 0) }))") }
        case .fileStarted(let file, _, let resumeFrom, _):
            if live && resumeFrom > 0 { line("\(file): resuming at \(ModelsCommand.formatBytes(resumeFrom))") }
        case .fileProgress(let file, let bytes, let size):
            guard live else { return }
            let percent = size.map { $0 > 0 ? Int(bytes * 100 / $0) : 100 } ?? -1
            let text = "\(file): \(ModelsCommand.formatBytes(bytes))" + (size.map { " / \(ModelsCommand.formatBytes($0)) (\(percent)%)" } ?? "")
            if terminal {
                state.withLock { $0.lineOpen = true }
                write("\r\u{1B}[K" + text)
            } else {
                // Plain lines every 10%.
                let step = percent / 10
                let show = state.withLock { s -> Bool in
                    if s.lastPercent[file] == step { return false }
                    s.lastPercent[file] = step
                    return true
                }
                if show { line(text) }
            }
        case .fileDone(let file, let size, _):
            if live { line("\(file): \(ModelsCommand.formatBytes(size)) ok") }
        case .verifying:
            if live { line("loading the model to check it") }
        case .installed:
            break
        }
    }

    func finish() {
        if state.withLock({ $0.lineOpen }) { write("\r\u{1B}[K") }
    }

    private func line(_ text: String) {
        let prefix = state.withLock { s -> String in
            defer { s.lineOpen = false }
            return s.lineOpen && terminal ? "\r\u{1B}[K" : ""
        }
        write(prefix + text + "\n")
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
