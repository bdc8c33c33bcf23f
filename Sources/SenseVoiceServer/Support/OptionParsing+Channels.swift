// Request fields → channel split (issue #14), shared by the REST, jobs and OpenAI routes.

import SenseVoiceEngine

extension OptionParsing {
    /// `channels` (`mix`, the default, or `split`) and `speaker_names` (comma-separated, only with
    /// `split`); `nil` for `mix`.
    /// - Throws: `SenseVoiceError(.invalidOption)` (answered with 400) for another mode, names
    ///   without a split, bad names, or a split together with `diarize`.
    static func channelSplit(_ value: (String) -> String?, diarize: Bool) throws -> ChannelSplitOptions? {
        let mode = value("channels")?.trimmingSpaces.lowercased() ?? ""
        guard ["", "mix", "split"].contains(mode) else {
            throw SenseVoiceError(.invalidOption, "channels '\(mode.prefix(40))' is not supported; use mix (the default) or split")
        }
        let names = value("speaker_names")?.trimmingSpaces ?? ""
        guard mode == "split" else {
            if !names.isEmpty { throw SenseVoiceError(.invalidOption, "speaker_names needs channels=split") }
            return nil
        }
        if diarize { throw ChannelSplitOptions.withDiarization }
        let options = ChannelSplitOptions(speakerNames: names.isEmpty ? [] : ChannelSplitOptions.names(parsing: names))
        try options.validate()
        return options
    }
}
