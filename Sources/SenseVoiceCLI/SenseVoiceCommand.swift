// The `sensevoice` command-line tool.

import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

@main
struct SenseVoiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensevoice",
        abstract: "Speech understanding with SenseVoiceSmall: text, language, emotion and audio events.",
        subcommands: [TranscribeCommand.self, VADCommand.self, ServeCommand.self, WorkerCommand.self, BenchCommand.self]
    )

    /// Runs the command; `CLIError`s print their message and exit with their own status.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            printError(error.message)
            Foundation.exit(error.exitCode)
        } catch {
            exit(withError: error)
        }
    }
}
