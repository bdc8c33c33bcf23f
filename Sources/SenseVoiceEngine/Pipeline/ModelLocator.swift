// Finds model directories: explicit path, environment, then the usual download caches.

import Foundation

/// Resolves `--model` defaults (design doc: `$SENSEVOICE_MODEL`, then `~/.cache/sensevoice`,
/// ModelScope's and Hugging Face's hub folders).
public enum ModelLocator {
    /// Candidate folders for SenseVoiceSmall, in search order.
    public static func senseVoiceCandidates(environment env: [String: String]? = nil) -> [String] {
        let environment = env ?? ProcessInfo.processInfo.environment
        var out: [String] = []
        if let env = environment["SENSEVOICE_MODEL"], !env.isEmpty { out.append(env) }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let cache = environment["XDG_CACHE_HOME"] ?? "\(home)/.cache"
        out.append("\(cache)/sensevoice/sensevoice-small")
        let modelscope = environment["MODELSCOPE_CACHE"] ?? "\(cache)/modelscope/hub"
        out.append("\(modelscope)/models/iic/SenseVoiceSmall")
        out.append("\(modelscope)/iic/SenseVoiceSmall")
        let hf = environment["HF_HUB_CACHE"] ?? environment["HF_HOME"].map { "\($0)/hub" } ?? "\(cache)/huggingface/hub"
        let snapshots = "\(hf)/models--FunAudioLLM--SenseVoiceSmall/snapshots"
        if let revs = try? FileManager.default.contentsOfDirectory(atPath: snapshots) {
            out += revs.sorted().map { "\(snapshots)/\($0)" }
        }
        return out
    }

    /// The explicit directory, or the first candidate holding a `model.pt`.
    /// - Throws: `SenseVoiceError(.modelNotFound)` listing where it looked.
    public static func senseVoice(explicit: String?, environment env: [String: String]? = nil) throws -> String {
        let environment = env ?? ProcessInfo.processInfo.environment
        if let explicit { return explicit }
        let candidates = senseVoiceCandidates(environment: environment)
        if let hit = candidates.first(where: { FileManager.default.fileExists(atPath: "\($0)/model.pt") }) { return hit }
        throw SenseVoiceError(.modelNotFound, "no SenseVoiceSmall model found; pass --model DIR or set SENSEVOICE_MODEL (looked in: \(candidates.joined(separator: ", ")))")
    }
}
