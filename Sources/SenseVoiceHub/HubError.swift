// The error of the model hub domain: listing, downloading, verifying and installing models.

public import SenseVoiceEngine

/// The domain of ``HubError``.
public enum HubErrorDomain: ErrorDomain {}

/// A model-management failure (the shape is `DomainError`: code, message, underlying error).
///
/// Exit codes are decided only by the CLI (`CLIError`), which switches on `code`.
///
/// | code | when |
/// |---|---|
/// | `invalid_argument` | the name is not a model this tool knows (`sensevoice-small`, `fsmn-vad`), an option is bad, or a hub endpoint (`HF_ENDPOINT`, `MODELSCOPE_DOMAIN`) is not a usable URL |
/// | `model_not_on_hub` | the hub answered 404 for the model id, revision or a file |
/// | `unauthorized` | the hub refused access (401/403): a token is missing or lacks rights |
/// | `network_error` | the hub could not be reached, the connection broke, or it answered with a server error |
/// | `bad_response` | the hub answered something this tool cannot read |
/// | `checksum_mismatch` | a downloaded file kept failing its size or SHA-256 check |
/// | `verification_failed` | a model folder is incomplete, does not load, or its files differ from its manifest |
/// | `busy` | another pull of the same model into the same cache is running |
/// | `io_error` | reading or writing the local cache failed |
public typealias HubError = DomainError<HubErrorDomain>

extension HubError.Code {
    public static let invalidArgument: Self = "invalid_argument", modelNotOnHub: Self = "model_not_on_hub"
    public static let unauthorized: Self = "unauthorized", network: Self = "network_error", badResponse: Self = "bad_response"
    public static let checksumMismatch: Self = "checksum_mismatch", verificationFailed: Self = "verification_failed"
    public static let busy: Self = "busy", ioError: Self = "io_error"
}
