// Reading one channel of a multi-channel input on its own (`--channels split`).

import SenseVoiceTensor

extension AudioStream {
    /// Refuses a channel the input does not have (`count` 0: not stated before decoding, so only
    /// the sign is checked; the decoder fails the read that meets a missing channel).
    /// - Throws: `SenseVoiceError(.invalidOption)` naming the input and its channel count.
    static func check(channel: Int?, of count: Int, name: String) throws {
        guard let channel else { return }
        guard channel >= 0 else {
            throw SenseVoiceError(.invalidOption, "channel \(channel) does not exist; channels are numbered from 0")
        }
        if count > 0 && channel >= count {
            throw SenseVoiceError(.invalidOption, "\(name) has \(count) channel\(count == 1 ? "" : "s"); channel \(channel) (0-based) does not exist")
        }
    }
}
