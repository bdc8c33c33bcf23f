// A realtime session's decoding and noise-reduction settings: our hotword/beam-search fields in
// `input_audio_transcription`, and OpenAI's `input_audio_noise_reduction` mapped to the denoiser.

import Foundation
import SenseVoiceEngine

extension RealtimeHandler {
    /// A session update refused because of one field: an `error` event whose `param` names it.
    struct FieldError: Error {
        var error: SenseVoiceError
        /// The field's path in the client event (`session.input_audio_transcription.hotwords`).
        var param: String
    }

    /// Our fields of `input_audio_transcription` (and query parameters of the route), read by the
    /// same ``OptionParsing/beamSearch(_:)`` as every other route.
    static let decodingFieldNames = ["decoding", "beam_size", "hotwords", "hotword_score"]

    /// OpenAI's noise-reduction types; both turn the denoiser on (it has no near/far variants).
    static let noiseReductionTypes = ["near_field", "far_field"]

    /// Merges the decoding fields `transcription` names into the session's (a field left out keeps
    /// its value, `null` clears it) and resolves them into beam-search options. OpenAI's own
    /// `keywords` (plain phrases, no `:score`) join the hotwords with the default score.
    /// - Throws: ``FieldError`` naming the field (the whole object when several were named).
    static func applyDecoding(_ transcription: [String: Any], to session: inout Session, path: String) throws {
        var fields = session.decodingFields
        var keywords = session.keywords
        var named: [String] = []
        for key in decodingFieldNames where transcription.keys.contains(key) {
            named.append(key)
            fields[key] = try fieldText(transcription[key] as Any, param: "\(path).\(key)")
        }
        if let value = transcription["keywords"] {
            named.append("keywords")
            keywords = try phrases(value, param: "\(path).keywords")
        }
        guard !named.isEmpty else { return }
        do {
            session.beamSearch = try OptionParsing.beamSearch({ fields[$0] }, adding: keywords.map { Hotword(phrase: $0) })
        } catch let error as SenseVoiceError {
            throw FieldError(error: error, param: named.count == 1 ? "\(path).\(named[0])" : path)
        }
        session.decodingFields = fields
        session.keywords = keywords
    }

    /// OpenAI's `keywords`: null or an array of strings, each one phrase as written.
    private static func phrases(_ value: Any, param: String) throws -> [String] {
        if value is NSNull { return [] }
        let words = (value as? [Any])?.map { ($0 as? String)?.trimmingSpaces ?? "" }
        guard let words, !words.contains(where: \.isEmpty) else {
            throw FieldError(error: SenseVoiceError(.invalidOption, "\(param) must be an array of non-empty strings"), param: param)
        }
        return words
    }

    /// A JSON value as the text of a request field: a string as it is, a number in decimal, an
    /// array of hotword strings one per line; nil for null or an empty array.
    private static func fieldText(_ value: Any, param: String) throws -> String? {
        switch value {
        case is NSNull:
            return nil
        case let text as String:
            return text
        case let number as NSNumber:
            return number.stringValue
        case let list as [Any]:
            let phrases = list.compactMap { $0 as? String }
            guard phrases.count == list.count, !phrases.contains(where: { $0.contains(where: \.isNewline) }) else {
                throw FieldError(error: SenseVoiceError(.invalidOption, "\(param) must be an array of strings, each one phrase (optionally phrase:score)"),
                                 param: param)
            }
            // A trailing line break makes the text one phrase per line, so a phrase may hold commas.
            return phrases.isEmpty ? nil : phrases.joined(separator: "\n") + "\n"
        default:
            throw FieldError(error: SenseVoiceError(.invalidOption, "\(param) must be a string, a number or an array of strings"), param: param)
        }
    }

    /// `input_audio_noise_reduction` (beta) / `audio.input.noise_reduction` (GA): null → the
    /// session's starting denoiser (the `denoise` query parameter, else `serve --denoise`);
    /// `near_field` or `far_field` → `serve --denoise` when the server has one, else afftdn.
    /// - Throws: ``FieldError`` for anything but null or an object with a known `type`.
    static func applyNoiseReduction(_ value: Any, to session: inout Session, serverDenoise: DenoiseMethod, path: String) throws {
        if value is NSNull {
            session.noiseReduction = nil
            session.denoise = session.startDenoise
            return
        }
        guard let object = value as? [String: Any] else {
            throw FieldError(error: SenseVoiceError(.invalidOption, "\(path) must be null or {\"type\": \"near_field\" | \"far_field\"}"), param: path)
        }
        let type = object["type"] ?? "near_field"
        guard let name = type as? String, noiseReductionTypes.contains(name) else {
            throw FieldError(error: SenseVoiceError(.invalidOption, "\(path).type '\(String(describing: type).prefix(40))' is not supported; use near_field or far_field (both run the server's denoiser), or null"),
                             param: "\(path).type")
        }
        session.noiseReduction = name
        session.denoise = serverDenoise == .off ? .afftdn : serverDenoise
    }

    /// Refuses hotwords the model's tokenizer cannot spell, as the routes do at connect.
    func checkHotwords(_ options: TranscriptionOptions, transcriptionPath: String) throws {
        do {
            _ = try connection.pool.transcriber.decoder(for: options)
        } catch let error as SenseVoiceError {
            throw FieldError(error: error, param: "\(transcriptionPath).hotwords")
        }
    }

    /// Where an update keeps its transcription settings.
    static func transcriptionPath(ga: Bool) -> String {
        ga ? "session.audio.input.transcription" : "session.input_audio_transcription"
    }

    /// Where an update keeps its noise reduction.
    static func noiseReductionPath(ga: Bool) -> String {
        ga ? "session.audio.input.noise_reduction" : "session.input_audio_noise_reduction"
    }

    /// The effective transcription settings, as `…updated` echoes them.
    static func transcriptionEcho(_ session: Session) -> [String: Any] {
        var echo: [String: Any] = ["model": "sensevoice-small", "language": session.language]
        if let beam = session.beamSearch {
            echo["decoding"] = "beam"
            echo["beam_size"] = beam.beamSize
            echo["hotword_score"] = beam.hotwordScore
            // The `hotwords` field's phrases; the keywords come last and are echoed on their own.
            echo["hotwords"] = beam.hotwords.dropLast(session.keywords.count).map { h in
                h.score.map { "\(h.phrase):\(Self.number($0))" } ?? h.phrase
            }
        } else {
            echo["decoding"] = "greedy"
            echo["hotwords"] = [String]()
        }
        echo["keywords"] = session.keywords
        return echo
    }

    /// The noise reduction as the client last set it (null by default).
    static func noiseReductionEcho(_ session: Session) -> Any {
        session.noiseReduction.map { ["type": $0] as [String: Any] } ?? NSNull()
    }

    /// `5` rather than `5.0` for whole scores, as a client would write them.
    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
