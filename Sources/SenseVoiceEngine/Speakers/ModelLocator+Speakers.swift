// Finds the CAM++ speaker model as the other models are found: explicit path, environment, caches.

import Foundation

extension ModelLocator {
    /// Candidate folders for FunASR's `cam++` (`iic/speech_campplus_sv_zh-cn_16k-common`), in search
    /// order (`$SENSEVOICE_SPEAKER_MODEL` first, then `~/.cache/sensevoice/cam++`, ModelScope's and
    /// Hugging Face's caches).
    public static func campPlusCandidates(environment env: [String: String]? = nil) -> [String] {
        candidates(override: "SENSEVOICE_SPEAKER_MODEL", cacheName: "cam++",
                   modelScopeID: "iic/speech_campplus_sv_zh-cn_16k-common",
                   huggingFaceRepo: "funasr/campplus", environment: env)
    }

    /// The explicit directory, or the first candidate holding a `config.yaml` and the CAM++ weights.
    /// - Throws: `SenseVoiceError(.modelNotFound)` listing where it looked.
    public static func speakerModel(explicit: String?, environment env: [String: String]? = nil) throws -> String {
        if let explicit { return explicit }
        let candidates = campPlusCandidates(environment: env)
        let fm = FileManager.default
        if let hit = candidates.first(where: {
            fm.fileExists(atPath: "\($0)/config.yaml") && fm.fileExists(atPath: "\($0)/\(CAMPPlusModel.defaultModelFile)")
        }) { return hit }
        throw SenseVoiceError(.modelNotFound, "no CAM++ speaker model found for --diarize; pass --speaker-model DIR, set "
                              + "SENSEVOICE_SPEAKER_MODEL or run `sensevoice models pull cam++` (looked in: \(candidates.joined(separator: ", ")))")
    }
}
