// The request field `denoise` (issue #17), shared by the REST, OpenAI, jobs and live routes.

import SenseVoiceEngine

extension OptionParsing {
    /// `denoise`: `off`, `afftdn` or `rnnoise` (the model of the server's `--denoise
    /// rnnoise:FILE`; a client never names a file); absent or empty: the server's `--denoise`.
    /// - Throws: `SenseVoiceError(.invalidOption)` naming the field (answered with 400).
    static func denoise(_ value: (String) -> String?, server: DenoiseMethod) throws -> DenoiseMethod {
        try DenoiseMethod.request(value("denoise"), serverDefault: server)
    }
}
