// The error event of the streaming responses: `{"type":"error","error":{"code","message"}}`.

/// An error inside an event stream (SSE `stream=true`, `/api/v1/stream`): the API's error body
/// with a `type`, so clients that switch on `type` see it.
struct ErrorEvent: Encodable {
    var type = "error"
    var error: APIError.ErrorBody.Detail

    init(code: String, message: String) {
        error = .init(code: code, message: message)
    }
}
