// CLIError: the one place exit codes are decided, for every error a command can throw.

import ArgumentParser
@testable import SenseVoiceCLI
import SenseVoiceEngine
import SenseVoiceHub
import SenseVoiceJobs
import Testing

@Suite("Exit codes (CLIError)")
struct CLIErrorTests {
    @Test("engine errors: 2 options, 3 model, 4 audio, 1 otherwise", arguments: [
        (SenseVoiceError.Code.invalidOption, Int32(2)), (.unknownLanguage, 2), (.modelNotFound, 3), (.checkpointMismatch, 3),
        (.fileNotFound, 4), (.audioDecodeFailed, 4), (.internalError, 1), (.cancelled, 1),
    ])
    func engine(code: SenseVoiceError.Code, exit: Int32) {
        let failure = CLIError(any: SenseVoiceError(code, "what happened"))
        #expect(failure.exitCode == exit)
        #expect(failure.message == "error [\(code)]: what happened")
    }

    @Test("hub errors: 2 options, 3 model, 5 network, 6 checksum, 1 local I/O", arguments: [
        (HubError.Code.invalidArgument, Int32(2)), (.modelNotOnHub, 3), (.verificationFailed, 3), (.network, 5),
        (.unauthorized, 5), (.badResponse, 5), (.checksumMismatch, 6), (.ioError, 1), (.busy, 1),
    ])
    func hub(code: HubError.Code, exit: Int32) {
        #expect(CLIError(any: HubError(code, "x")).exitCode == exit)
    }

    @Test("job errors, failed inputs, bad options, bad configuration and help")
    func others() {
        #expect(CLIError(any: JobError(.storage, "disk full")).exitCode == 1)
        #expect(CLIError(any: JobError(.storage, "disk full")).message == "error [storage_error]: disk full")
        #expect(CLIError(any: CLIError.someInputsFailed).exitCode == 1)
        #expect(CLIError.someInputsFailed.message.isEmpty, "each failed input was reported already")
        #expect(CLIError(any: ValidationError("--threads must be at least 1")).exitCode == 2)
        #expect(CLIError(any: ConfigResolver.Failure(message: "bad key")).exitCode == 2)
        #expect(CLIError(any: ConfigResolver.Failure(message: "bad key")).message == "error: bad key")
        #expect(CLIError(any: CleanExit.helpRequest()).exitCode == 0)
    }
}
