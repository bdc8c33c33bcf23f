// The `sensevoice` command-line tool.

import ArgumentParser

@main
struct SenseVoiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensevoice",
        abstract: "Speech understanding with SenseVoiceSmall: text, language, emotion and audio events.",
        subcommands: [VADCommand.self]
    )
}
