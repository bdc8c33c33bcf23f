// `--channels mix|split` and `--speaker-names`: one speaker per channel of a call recording.

import ArgumentParser
import Logging
import SenseVoiceEngine

/// How `transcribe` treats the channels of a file: mixed to mono (default), or each channel
/// recognised on its own as one speaker.
struct ChannelOptions: ParsableArguments {
    @Option(help: "mix: average the channels to mono (default); split: recognise each channel on its own as one speaker (stereo calls), segments merged in time order.")
    var channels: String = "mix"

    @Option(help: "With --channels split: comma-separated speaker names of channels 0, 1, … (default ch0, ch1, …; at most one per channel).")
    var speakerNames: String?

    /// The engine's split options, or nil for `mix` (``validate(diarize:)`` has checked the values).
    func split() -> ChannelSplitOptions? {
        guard channels == "split" else { return nil }
        return ChannelSplitOptions(speakerNames: speakerNames.map(ChannelSplitOptions.names(parsing:)) ?? [])
    }

    /// Refuses an unknown mode, names without a split, bad names, and a split with `--diarize` (exit 2).
    func validate(diarize: Bool) throws {
        guard channels == "mix" || channels == "split" else {
            throw ValidationError("--channels must be mix or split, not '\(channels.prefix(40))'")
        }
        if speakerNames != nil && channels != "split" { throw ValidationError("--speaker-names needs --channels split") }
        if diarize && channels == "split" {
            throw ValidationError("--diarize cannot be combined with --channels split: a split already gives each channel its speaker. Diarize mixed audio, or split a recording with one speaker per channel")
        }
        do {
            try split()?.validate()
        } catch let error as SenseVoiceError {
            throw ValidationError("--speaker-names: \(error.message)")
        }
    }
}

extension TranscribeCommand {
    /// Decodes and recognises each channel of `input` on its own (`--channels split`), printing
    /// the decoder's warnings once.
    static func transcribeChannels(_ input: InputFile, session: RecognitionSession, decoder: any AudioDecoding,
                                   options: TranscriptionOptions, progress: @escaping (Int, Int) -> Void) throws -> TranscriptionResult {
        let result = try session.transcribeChannels(file: input.path, options: options, progress: progress) { channel in
            try decoder.decode(path: input.path, displayName: input.path.split(separator: "/").last.map(String.init) ?? input.path,
                               channel: channel)
        }
        for warning in result.warnings ?? [] { printError("warning: \(input.path): \(warning)", level: .warning) }
        return result
    }
}
