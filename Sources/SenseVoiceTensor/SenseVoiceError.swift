// The error of the engine, audio and model loading domains, and its codes.

/// The domain of ``SenseVoiceError``.
public enum SenseVoiceErrorDomain: ErrorDomain {}

/// An engine, audio or model-loading error (the shape is ``DomainError``).
///
/// Every data problem the engine meets (bad audio, a corrupt model file, an unknown language)
/// is thrown as a `SenseVoiceError`. HTTP statuses are decided only by the server (`APIError`)
/// and exit codes only by the CLI (`CLIError`); both switch on `code`.
///
/// | codes | when |
/// |---|---|
/// | `model_not_found`, `model_file_corrupt`, `checkpoint_mismatch`, `config_invalid`, `tokenizer_invalid` | a model folder is missing or does not load |
/// | `unknown_language`, `invalid_option` | an option has a bad value |
/// | `file_not_found`, `io_error` | an input cannot be read |
/// | `audio_empty`, `audio_truncated`, `audio_unsupported`, `audio_invalid_header`, `audio_invalid_samples`, `audio_too_long`, `audio_decode_failed` | the audio cannot be used |
/// | `cancelled` | the caller cancelled the work |
/// | `internal_error` | a failure that is not the input's fault (a numeric library, an encoder) |
public typealias SenseVoiceError = DomainError<SenseVoiceErrorDomain>

extension SenseVoiceError.Code {
    // Model files.
    public static let modelNotFound: Self = "model_not_found", modelFileCorrupt: Self = "model_file_corrupt"
    public static let checkpointMismatch: Self = "checkpoint_mismatch", configInvalid: Self = "config_invalid",
                      tokenizerInvalid: Self = "tokenizer_invalid"
    // Options.
    public static let unknownLanguage: Self = "unknown_language", invalidOption: Self = "invalid_option"
    // Audio.
    public static let fileNotFound: Self = "file_not_found", ioError: Self = "io_error", audioEmpty: Self = "audio_empty"
    public static let audioTruncated: Self = "audio_truncated", audioUnsupported: Self = "audio_unsupported"
    public static let audioInvalidHeader: Self = "audio_invalid_header", audioInvalidSamples: Self = "audio_invalid_samples",
                      audioTooLong: Self = "audio_too_long", audioDecodeFailed: Self = "audio_decode_failed"
    // Inference.
    public static let cancelled: Self = "cancelled", internalError: Self = "internal_error"
}
