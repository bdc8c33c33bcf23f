// Request options (form fields or query parameters) → engine options, with 400s for bad values.

import SenseVoiceEngine

/// Parses the options shared by the transcription and job routes.
enum OptionParsing {
    /// `language`, `use_itn` (or `itn`), `ban_emo_unk`, `timestamps`, the decoding fields
    /// `decoding`, `beam_size`, `hotwords`, `hotword_score` (``beamSearch(_:)``), and `diarize`,
    /// `num_speakers` (``diarization(_:)``), `channels` and `speaker_names` (``channelSplit(_:diarize:)``),
    /// and `max_segment_ms` (the VAD's longest segment, 1000…600000, default 30000: shorter makes
    /// live finals of long monologues come sooner and cost less).
    /// - Throws: `SenseVoiceError(.unknownLanguage)` / `.invalidOption` (answered with 400).
    static func transcriptionOptions(_ value: (String) -> String?) throws -> TranscriptionOptions {
        var options = TranscriptionOptions()
        if let language = value("language"), !language.trimmingSpaces.isEmpty {
            options.language = try Language(parsing: language)
        }
        if let itn = try bool(value, "use_itn") ?? bool(value, "itn") { options.useITN = itn }
        if let ban = try bool(value, "ban_emo_unk") { options.banEmotionUnknown = ban }
        if let timestamps = try bool(value, "timestamps") { options.timestamps = timestamps }
        options.beamSearch = try beamSearch(value)
        options.diarization = try diarization(value)
        options.channels = try channelSplit(value, diarize: options.diarization != nil)
        if let maxSegmentMs = try number(value, "max_segment_ms", { Int($0) }) { options.maxSegmentMs = maxSegmentMs }
        try options.validate()
        return options
    }

    /// `diarize` (boolean) and `num_speakers` (1…64, only with `diarize`): speakers on every segment.
    static func diarization(_ value: (String) -> String?) throws -> DiarizationOptions? {
        let diarize = try bool(value, "diarize") ?? false
        var speakers: Int?
        if let raw = value("num_speakers")?.trimmingSpaces, !raw.isEmpty {
            guard let n = Int(raw) else {
                throw SenseVoiceError(.invalidOption, "num_speakers must be an integer, not '\(raw.prefix(40))'")
            }
            guard diarize else { throw SenseVoiceError(.invalidOption, "num_speakers needs diarize=true") }
            speakers = n
        }
        guard diarize else { return nil }
        let options = DiarizationOptions(speakers: speakers)
        try options.validate()
        return options
    }

    /// A boolean field: true/false, 1/0, yes/no, on/off (any case); `nil` when absent or empty.
    static func bool(_ value: (String) -> String?, _ name: String) throws -> Bool? {
        guard let raw = value(name)?.trimmingSpaces.lowercased(), !raw.isEmpty else { return nil }
        switch raw {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw SenseVoiceError(.invalidOption, "\(name) must be true or false, not '\(raw.prefix(40))'")
        }
    }

    /// A result format field (`format` or `response_format`) looked up in `formats`; the
    /// registry's default format when the field is absent or empty.
    static func format(_ value: String?, field: String, in formats: TranscriptFormats) throws -> TranscriptFormat {
        guard let raw = value?.trimmingSpaces.lowercased(), !raw.isEmpty else { return formats.defaultFormat }
        guard let format = formats[raw] else {
            throw SenseVoiceError(.invalidOption, "\(field) '\(raw.prefix(40))' is not supported; use one of \(formats.names.joined(separator: ", "))")
        }
        return format
    }

    /// The writer options of a request: subtitle `markers` (whose label language `labels` uses
    /// too, unless `label_style` is `en` or `zh`), whether `verbose_json` lists `words`, and the
    /// `markers` format's `markers_format`, `only_events`, `only_emotions`, `edl_fps`, `edl_start`.
    /// - Throws: `SenseVoiceError(.invalidOption)` naming the field (answered with 400).
    /// Subtitle cues start with the segment's speaker when the request asked for speakers.
    static func writerOptions(_ value: (String) -> String?, words: Bool, speakers: Bool = false) throws -> TranscriptWriterOptions {
        let marks = try markers(value("markers"))
        var style = ReadableLabels.Style.english
        if case .labels(let chosen) = marks { style = chosen }
        switch present(value("label_style"))?.lowercased() {
        case nil: break
        case "en": style = .english
        case "zh": style = .chinese
        case let other?: throw SenseVoiceError(.invalidOption, "label_style '\(other.prefix(40))' is not supported; use en or zh")
        }
        var fps: Int?
        if let raw = present(value("edl_fps")) {
            guard let parsed = Int(raw) else { throw SenseVoiceError(.invalidOption, "edl_fps must be a whole number, not '\(raw.prefix(40))'") }
            fps = parsed
        }
        let highlights = try HighlightOptions(layout: present(value("markers_format")), onlyEvents: present(value("only_events")),
                                              onlyEmotions: present(value("only_emotions")), fps: fps, start: present(value("edl_start")),
                                              names: ("markers_format", "only_events", "only_emotions", "edl_fps", "edl_start"))
        var cues = SubtitleCueOptions(markers: marks)
        cues.speakers = speakers
        return TranscriptWriterOptions(cues: cues, labelStyle: style, words: words, highlights: highlights)
    }

    /// The OpenAI route's writer options: `words` for verbose_json, speaker-prefixed cues when diarized.
    static func openAIWriterOptions(words: Bool, speakers: Bool) -> TranscriptWriterOptions {
        var options = TranscriptWriterOptions(words: words)
        options.cues.speakers = speakers
        return options
    }

    /// The trimmed value, or `nil` when absent or empty.
    private static func present(_ raw: String?) -> String? {
        guard let text = raw?.trimmingSpaces, !text.isEmpty else { return nil }
        return text
    }

    /// Subtitle marks: `none` (default), `emoji`, `labels`, `labels_zh`.
    static func markers(_ value: String?) throws -> SubtitleCueOptions.Markers {
        switch value?.trimmingSpaces.lowercased() ?? "" {
        case "", "none": return .none
        case "emoji": return .emoji
        case "labels", "labels_en": return .labels(.english)
        case "labels_zh": return .labels(.chinese)
        case let other: throw SenseVoiceError(.invalidOption, "markers '\(other.prefix(40))' is not supported; use none, emoji, labels or labels_zh")
        }
    }
}
