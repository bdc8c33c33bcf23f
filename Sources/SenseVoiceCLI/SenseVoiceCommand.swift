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
        subcommands: [TranscribeCommand.self, VADCommand.self, StreamCommand.self, TokenizeCommand.self, ServeCommand.self, WorkerCommand.self, BenchCommand.self, ModelsCommand.self, DenoiseCommand.self]
    )

    /// Runs the command; every error becomes a `CLIError`, which prints its message and exits with its status.
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
        } catch {
            // The exit code of every failure is decided by CLIError.
            let failure = CLIError(any: error)
            if failure.exitCode == 0 {
                // Help (`--help`, `help serve`) goes to stdout and gains the environment/config-file section.
                var text = failure.message
                if let resolver, isHelpRequest(given) { text += "\n" + ConfigResolver.helpSection(for: resolver.helpTarget(given)) }
                if !text.isEmpty { print(text) }
            } else if !failure.message.isEmpty {
                printError(failure.message, level: .error)
            }
            Foundation.exit(failure.exitCode)
        }
    }

    private static func isHelpRequest(_ arguments: [String]) -> Bool {
        arguments.first == "help" || arguments.contains("--help") || arguments.contains("-h")
    }
}
