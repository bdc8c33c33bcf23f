// The per-request choice to recognise each channel on its own (CLI --channels split /
// --speaker-names, form fields `channels` and `speaker_names`, job options).

import Foundation

/// Asks a transcription to treat each channel of a multi-channel file as one speaker: every
/// channel is decoded, VAD-segmented and recognised on its own, and the segments of all channels
/// are merged in time order (overlapping speech is kept from both sides).
///
/// Calls are usually recorded in stereo with one party per channel, so the channel says who
/// spoke without any speaker model.
public struct ChannelSplitOptions: Sendable, Equatable, Codable {
    /// The speaker names of channels 0, 1, … (`agent`, `customer`); channels beyond the list are
    /// named ``defaultName(_:)`` (`ch2`, …). More names than the file has channels is an error.
    public var speakerNames: [String]

    public init(speakerNames: [String] = []) {
        self.speakerNames = speakerNames
    }

    /// The most names a request may give (and the longest name, in characters).
    public static let maxNames = 64
    public static let maxNameLength = 64

    /// The name of channel `channel` when none was given: `ch0`, `ch1`, …
    public static func defaultName(_ channel: Int) -> String { "ch\(channel)" }

    /// The speaker name of channel `channel` (0-based).
    public func name(of channel: Int) -> String {
        channel < speakerNames.count ? speakerNames[channel] : Self.defaultName(channel)
    }

    /// The names of a comma-separated list (`agent,customer`), trimmed; empty entries are kept
    /// so that ``validate()`` can name them.
    public static func names(parsing list: String) -> [String] {
        list.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// - Throws: `SenseVoiceError(.invalidOption)` for an empty, overlong, repeated or
    ///   control-character name, or more than ``maxNames`` names.
    public func validate() throws {
        guard speakerNames.count <= Self.maxNames else {
            throw SenseVoiceError(.invalidOption, "\(speakerNames.count) speaker names were given; at most \(Self.maxNames), one per channel")
        }
        for (i, name) in speakerNames.enumerated() {
            guard !name.isEmpty else {
                throw SenseVoiceError(.invalidOption, "speaker name \(i + 1) is empty; give one name per channel, separated by commas (agent,customer)")
            }
            guard name.count <= Self.maxNameLength, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw SenseVoiceError(.invalidOption, "speaker name \(i + 1) must be at most \(Self.maxNameLength) printable characters")
            }
            if speakerNames[..<i].contains(name) {
                throw SenseVoiceError(.invalidOption, "the speaker name '\(name)' is given twice; each channel needs its own name")
            }
        }
    }

    /// Checks the split against the file: it needs two or more channels and at most one name per channel.
    /// - Parameters:
    ///   - channelCount: the file's channel count (0 when its stream did not state it).
    ///   - file: the file's name in messages.
    /// - Throws: `SenseVoiceError(.invalidOption)` (a server answers 400).
    public func check(channelCount: Int, file: String) throws {
        guard channelCount >= 2 else {
            let has = channelCount == 1 ? "has one channel (mono)" : "states no channel count"
            throw SenseVoiceError(.invalidOption, "\(file) \(has); splitting channels needs a recording with one speaker per channel (a stereo call). Transcribe it with channels mix (the default), or diarize it to find its speakers.")
        }
        guard speakerNames.count <= channelCount else {
            throw SenseVoiceError(.invalidOption, "\(speakerNames.count) speaker names (\(speakerNames.joined(separator: ", "))) were given, but \(file) has \(channelCount) channels; give at most one name per channel")
        }
    }
}

extension ChannelSplitOptions {
    /// Diarization and a channel split both name speakers: a request asks for one of them.
    public static let withDiarization = SenseVoiceError(
        .invalidOption, "speaker diarization and splitting channels cannot be combined: a split already gives each channel its speaker. "
            + "Diarize mixed (mono) audio, or split a recording with one speaker per channel")
}

extension ChannelSplitOptions {
    /// A split's segments are ordered over all channels only once every channel is recognised, so
    /// they cannot be streamed as batches finish.
    public static let withStream = SenseVoiceError(
        .invalidOption, "stream=true cannot be combined with channels=split: the channels' segments are merged in time order "
            + "once all are recognised. Leave stream off, or submit a job")
}

extension TranscriptionOptions {
    /// Whether segments will carry speakers (diarization or a channel split): subtitle cues then
    /// start with the speaker.
    public var givesSpeakers: Bool { diarization != nil || channels != nil }
}
