// The `sensevoice` command-line tool.

import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

@main
struct SenseVoiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensevoice",
        abstract: "Speech understanding with SenseVoiceSmall: text, language, emotion and audio events.",
        subcommands: [TranscribeCommand.self, BenchCommand.self, VADCommand.self]
    )

    /// Runs the command; `CLIError`s print their message and exit with their own status.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CLIError {
            printError(error.message)
            Foundation.exit(error.exitCode)
        } catch {
            exit(withError: error)
        }
    }
}
