// The `sensevoice` command-line tool.

import ArgumentParser
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

@main
struct SenseVoiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensevoice",
        abstract: "Speech understanding with SenseVoiceSmall: text, language, emotion and audio events.",
        discussion: """
        Options can also be set with SENSEVOICE_<OPTION> environment variables (--max-upload-mb → \
        SENSEVOICE_MAX_UPLOAD_MB) and a YAML or JSON config file (--config FILE or $SENSEVOICE_CONFIG) \
        whose keys are the long option names, optionally in per-subcommand sections (`serve: {port: 8080}`). \
        Precedence: command-line flags > environment > config file > defaults. `sensevoice help <subcommand>` \
        lists the variables of each subcommand.
        """,
        subcommands: [TranscribeCommand.self, VADCommand.self, ServeCommand.self, WorkerCommand.self, BenchCommand.self, ModelsCommand.self]
    )

    /// Runs the command; `CLIError`s print their message and exit with their own status.
    static func main() async {
        let given = Array(CommandLine.arguments.dropFirst())
        var resolver: ConfigResolver?
        do {
            let configured = ConfigResolver(root: try ConfigResolver.tree(of: Self.self))
            resolver = configured
            let arguments = try configured.expand(given, environment: ProcessInfo.processInfo.environment)
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            printError(error.message, level: .error)
            Foundation.exit(error.exitCode)
        } catch let error as ConfigResolver.Failure {
            printError("error: \(error.message)", level: .error)
            Foundation.exit(2)
        } catch {
            // Help (`--help`, `help serve`) gains the environment/config-file section.
            if let resolver, exitCode(for: error) == .success, isHelpRequest(given) {
                print(fullMessage(for: error) + "\n" + ConfigResolver.helpSection(for: resolver.helpTarget(given)))
                Foundation.exit(0)
            }
            // Bad options exit 2, as every command's help documents (ArgumentParser's own code is 64).
            if exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error), level: .error)
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    private static func isHelpRequest(_ arguments: [String]) -> Bool {
        arguments.first == "help" || arguments.contains("--help") || arguments.contains("-h")
    }
}
