// Finds model directories: explicit path, environment, then the usual download caches.

import Foundation

/// Resolves `--model` defaults (design doc: `$SENSEVOICE_MODEL`, then `~/.cache/sensevoice`,
/// ModelScope's and Hugging Face's hub folders).
public enum ModelLocator {
    /// Candidate folders for SenseVoiceSmall, in search order.
    public static func senseVoiceCandidates(environment env: [String: String]? = nil) -> [String] {
        candidates(override: "SENSEVOICE_MODEL", cacheName: "sensevoice-small", modelScopeID: "iic/SenseVoiceSmall",
                   huggingFaceRepo: "FunAudioLLM/SenseVoiceSmall", environment: env)
    }

    /// Candidate folders for FunASR's FSMN-VAD, in search order (`$SENSEVOICE_VAD_MODEL` first).
    public static func fsmnVADCandidates(environment env: [String: String]? = nil) -> [String] {
        candidates(override: "SENSEVOICE_VAD_MODEL", cacheName: "fsmn-vad",
                   modelScopeID: "iic/speech_fsmn_vad_zh-cn-16k-common-pytorch",
                   huggingFaceRepo: "funasr/fsmn-vad", environment: env)
    }

    /// The sensevoice model cache: `$XDG_CACHE_HOME/sensevoice`, else `~/.cache/sensevoice`.
    public static func cacheDirectory(environment env: [String: String]? = nil) -> String {
        let environment = env ?? ProcessInfo.processInfo.environment
        let home = environment["HOME"] ?? NSHomeDirectory()
        return "\(environment["XDG_CACHE_HOME"] ?? "\(home)/.cache")/sensevoice"
    }

    /// Candidate folders of one model: `$override`, the sensevoice cache, the ModelScope cache
    /// (`$MODELSCOPE_CACHE`, both layouts) and the Hugging Face cache's snapshots (`$HF_HUB_CACHE`,
    /// `$HF_HOME/hub`), the snapshot `refs/main` names first.
    public static func candidates(override: String, cacheName: String, modelScopeID: String, huggingFaceRepo: String,
                                  environment env: [String: String]? = nil) -> [String] {
        let environment = env ?? ProcessInfo.processInfo.environment
        var out: [String] = []
        if let env = environment[override], !env.isEmpty { out.append(env) }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let cache = environment["XDG_CACHE_HOME"] ?? "\(home)/.cache"
        out.append("\(cacheDirectory(environment: environment))/\(cacheName)")
        let modelscope = environment["MODELSCOPE_CACHE"] ?? "\(cache)/modelscope/hub"
        out.append("\(modelscope)/models/\(modelScopeID)")
        out.append("\(modelscope)/\(modelScopeID)")
        let hf = environment["HF_HUB_CACHE"] ?? environment["HF_HOME"].map { "\($0)/hub" } ?? "\(cache)/huggingface/hub"
        let repo = "\(hf)/models--\(huggingFaceRepo.replacingOccurrences(of: "/", with: "--"))"
        let snapshots = "\(repo)/snapshots"
        if var revs = try? FileManager.default.contentsOfDirectory(atPath: snapshots) {
            revs.sort()
            if let main = try? String(contentsOfFile: "\(repo)/refs/main", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines), let i = revs.firstIndex(of: main) {
                revs.insert(revs.remove(at: i), at: 0)
            }
            out += revs.map { "\(snapshots)/\($0)" }
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
