// Options from environment variables and a config file, turned into command-line arguments before
// ArgumentParser parses them, so every subcommand and option gets them without declaring anything.

import ArgumentParser
import Foundation
import Yams

/// Expands `argv` with `SENSEVOICE_<OPTION>` environment variables and a YAML/JSON config file.
///
/// The options a subcommand accepts come from ArgumentParser's own description of the command
/// tree (the `--experimental-dump-help` JSON), so options added later need no registration here.
/// Precedence: command-line flags > environment > config file > the option's default. An option
/// set by a higher source is never injected from a lower one; neither is any option in the same
/// exclusive group (a flag and its `--no-` inverse, and ``exclusiveGroups``).
///
/// Injected values are inserted right after the subcommand's name as `--name=value`, so values
/// that start with `-` stay values and the user's own arguments keep their positions.
struct ConfigResolver {
    /// Prefix of every option's environment variable: `--max-upload-mb` → `SENSEVOICE_MAX_UPLOAD_MB`.
    static let environmentPrefix = "SENSEVOICE_"
    /// Environment variable naming the config file when `--config` is not given.
    static let configEnvironmentVariable = "SENSEVOICE_CONFIG"
    /// Options that exclude each other: once a source sets one, lower sources set none of them.
    /// (`SENSEVOICE_VAD_MODEL` in the environment must not defeat `--no-vad` on the command line.)
    static let exclusiveGroups: [Set<String>] = [["vad-model", "no-vad"], ["model", "synthetic"]]
    /// Arguments ArgumentParser adds itself; never configurable.
    static let builtInNames: Set<String> = ["help", "help-hidden", "version", "experimental-dump-help",
                                            "generate-completion-script"]

    /// One configurable option of a command.
    struct Option: Equatable {
        /// Long name without dashes: the config-file key and the environment variable's stem.
        var name: String
        /// A flag takes no value (`true` → `--name`); an option takes one.
        var isFlag: Bool
        /// Repeating options take a list; repeating flags take a count.
        var isRepeating: Bool
        /// Every spelling that sets it on the command line (`--name`, `-n`).
        var spellings: [String]

        /// `SENSEVOICE_` + the name in upper snake case.
        var environmentName: String {
            ConfigResolver.environmentPrefix + name.uppercased().replacingOccurrences(of: "-", with: "_")
        }
    }

    /// A command, its options and its subcommands.
    struct Command {
        var name: String
        var aliases: [String]
        var options: [Option]
        var subcommands: [Command]

        func option(named name: String) -> Option? { options.first { $0.name == name } }
        func subcommand(named name: String) -> Command? {
            subcommands.first { $0.name == name || $0.aliases.contains(name) }
        }
        /// Every option name of this command and of all commands below it.
        var allOptionNames: Set<String> {
            subcommands.reduce(Set(options.map(\.name))) { $0.union($1.allOptionNames) }
        }
    }

    /// A config problem: says which key or variable and what is valid.
    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    let root: Command

    // MARK: - Command tree

    /// The tree of `command` as ArgumentParser describes it.
    static func tree(of command: any ParsableCommand.Type) throws -> Command {
        let json: String
        do {
            _ = try command.parseAsRoot(["--experimental-dump-help"])
            throw Failure(message: "ArgumentParser did not describe the command tree")
        } catch let failure as Failure {
            throw failure
        } catch {
            json = command.message(for: error)
        }
        return try tree(fromDumpHelp: Data(json.utf8))
    }

    /// The tree described by ArgumentParser's `--experimental-dump-help` JSON.
    static func tree(fromDumpHelp data: Data) throws -> Command {
        let info = try JSONDecoder().decode(DumpedTool.self, from: data)
        return makeCommand(info.command)
    }

    private static func makeCommand(_ info: DumpedCommand) -> Command {
        var options: [Option] = []
        for argument in info.arguments ?? [] where argument.kind != "positional" {
            let names = argument.names ?? []
            let longNames = names.filter { $0.kind != "short" }.map(\.name)
            let preferred = argument.preferredName.flatMap { $0.kind != "short" ? $0.name : nil } ?? longNames.first
            guard let preferred, !builtInNames.contains(preferred) else { continue }
            let spellings = names.map { ($0.kind == "long" ? "--" : "-") + $0.name }
            // One argument with several long names (an inversion `--x/--no-x`) becomes one option per
            // name, each with its own spelling, so `x: false` and `no-x: true` both work.
            let isFlag = argument.kind == "flag"
            if isFlag && longNames.count > 1 {
                for name in longNames {
                    options.append(Option(name: name, isFlag: true, isRepeating: argument.isRepeating,
                                          spellings: ["--" + name]))
                }
            } else {
                options.append(Option(name: preferred, isFlag: isFlag, isRepeating: argument.isRepeating,
                                      spellings: spellings))
            }
        }
        return Command(name: info.commandName, aliases: info.aliases ?? [], options: options,
                       subcommands: (info.subcommands ?? []).map(makeCommand))
    }

    // MARK: - Expansion

    /// `arguments` (without the program name) with the environment's and the config file's
    /// options added for the subcommand they name.
    /// - Parameters:
    ///   - readFile: reads the config file (tests substitute it).
    /// - Throws: ``Failure`` for a missing or malformed config file, an unknown key, a value of the
    ///   wrong shape, or a boolean variable that is not a boolean.
    func expand(_ arguments: [String], environment: [String: String],
                readFile: (String) throws -> String = ConfigResolver.readFile) throws -> [String] {
        let terminator = arguments.firstIndex(of: "--") ?? arguments.endIndex
        var head = Array(arguments[..<terminator])
        let tail = Array(arguments[terminator...])

        // --config FILE / --config=FILE is this resolver's own option, for every subcommand.
        var configPath: String?
        var i = 0
        while i < head.count {
            if head[i] == "--config" {
                guard i + 1 < head.count else { throw Failure(message: "--config needs a file: --config FILE (YAML or JSON)") }
                configPath = head[i + 1]
                head.removeSubrange(i...(i + 1))
            } else if head[i].hasPrefix("--config=") {
                configPath = String(head[i].dropFirst("--config=".count))
                head.remove(at: i)
            } else {
                i += 1
            }
        }

        // The subcommand path: the leading words that name subcommands.
        var command = root
        var path: [Command] = []
        var position = 0
        while position < head.count, let sub = command.subcommand(named: head[position]) {
            command = sub
            path.append(sub)
            position += 1
        }
        let helpWords: Set<String> = ["-h", "--help", "--help-hidden", "--experimental-dump-help", "--version",
                                      "--generate-completion-script"]
        if path.isEmpty || command.options.isEmpty || head.contains(where: helpWords.contains) {
            return head + tail
        }

        // Flags on the command line win; the environment and the file fill in what they leave.
        var blocked = closure(of: givenOptions(head[position...], command: command))
        let fromEnvironment = try environmentValues(command: command, environment: environment)
            .filter { !blocked.contains($0.option.name) }
        blocked.formUnion(closure(of: Set(fromEnvironment.map(\.option.name))))

        var fromFile: [Setting] = []
        if let file = configPath ?? environment[Self.configEnvironmentVariable].flatMap({ $0.isEmpty ? nil : $0 }) {
            fromFile = try fileValues(path: file, contents: readFile(file), commandPath: path)
                .filter { !blocked.contains($0.option.name) }
        }
        let injected = (fromEnvironment + fromFile).flatMap(\.arguments)
        return Array(head[..<position]) + injected + Array(head[position...]) + tail
    }

    /// Reads a config file as UTF-8 text.
    static func readFile(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Failure(message: "cannot read the config file \(path): \((error as NSError).localizedDescription); check the path given to --config or $\(configEnvironmentVariable)")
        }
    }

    /// One option's value from one source, as command-line arguments.
    struct Setting {
        var option: Option
        var arguments: [String]
    }

    /// The options `arguments` already set (`--name`, `--name=value`, `-n`, `-nvalue`).
    private func givenOptions(_ arguments: ArraySlice<String>, command: Command) -> Set<String> {
        var given: Set<String> = []
        for token in arguments where token.hasPrefix("-") && token.count > 1 {
            let spelling: String
            if token.hasPrefix("--") {
                spelling = String(token.prefix { $0 != "=" })
            } else if command.options.contains(where: { $0.spellings.contains(token) }) {
                spelling = token
            } else {
                spelling = String(token.prefix(2))
            }
            for option in command.options where option.spellings.contains(spelling) {
                given.insert(option.name)
            }
        }
        return given
    }

    /// `names` plus every option that excludes one of them.
    private func closure(of names: Set<String>) -> Set<String> {
        var out = names
        for name in names {
            if name.hasPrefix("no-") { out.insert(String(name.dropFirst(3))) } else { out.insert("no-" + name) }
            for group in Self.exclusiveGroups where group.contains(name) { out.formUnion(group) }
        }
        return out
    }

    private func environmentValues(command: Command, environment: [String: String]) throws -> [Setting] {
        try command.options.compactMap { (option: Option) throws -> Setting? in
            guard let raw = environment[option.environmentName], !raw.isEmpty else { return nil }
            let source = "$\(option.environmentName)"
            let value: Value = option.isRepeating && !option.isFlag
                ? .list(raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                : .scalar(raw)
            return Setting(option: option, arguments: try arguments(for: option, value: value, source: source, in: command))
        }
    }

    // MARK: - Config file

    /// A config value: one scalar or a list of scalars.
    enum Value {
        case scalar(String)
        case list([String])
    }

    private func fileValues(path file: String, contents: String, commandPath: [Command]) throws -> [Setting] {
        let node: Node?
        do {
            node = try Yams.compose(yaml: contents)
        } catch {
            throw Failure(message: "the config file \(file) is not valid YAML or JSON: \(error)")
        }
        guard let node else { return [] }   // empty file
        guard let top = node.mapping else {
            throw Failure(message: "the config file \(file) must be a mapping of option names to values (e.g. `port: 6006`)")
        }
        try validate(top, in: root, where: file, isTopLevel: true, selected: commandPath.last)

        // Top-level keys apply to whichever command has that option; each section along the
        // subcommand path (`serve:`, `models: {pull: …}`) overrides what comes before it.
        var values: [String: (Value, String)] = [:]
        var mapping: Node.Mapping? = top
        var location = file
        let command = commandPath.last ?? root
        for level in 0...commandPath.count {
            guard let current = mapping else { break }
            for (keyNode, valueNode) in current {
                guard let key = keyNode.string, command.option(named: key) != nil else { continue }
                guard let value = try value(of: valueNode, key: key, location: location) else { continue }
                values[key] = (value, "\(location): \(key)")
            }
            guard level < commandPath.count else { break }
            let name = commandPath[level].name
            mapping = current.first { $0.key.string == name }?.value.mapping
            location += ": \(name)"
        }
        return try command.options.compactMap { (option: Option) throws -> Setting? in
            guard let (value, source) = values[option.name] else { return nil }
            return Setting(option: option, arguments: try arguments(for: option, value: value, source: source, in: command))
        }
    }

    /// Checks every key of `mapping` against `command`: its options, its subcommands' sections, and
    /// at the top level any option some subcommand declares.
    private func validate(_ mapping: Node.Mapping, in command: Command, where location: String, isTopLevel: Bool,
                          selected: Command? = nil) throws {
        let optionNames = isTopLevel ? command.allOptionNames : Set(command.options.map(\.name))
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else {
                throw Failure(message: "\(location): keys must be option names, found \(keyNode)")
            }
            if let sub = command.subcommand(named: key), !optionNames.contains(key) {
                guard let section = valueNode.mapping else {
                    throw Failure(message: "\(location): `\(key)` is a subcommand section and needs a mapping of its options")
                }
                try validate(section, in: sub, where: "\(location): \(key)", isTopLevel: false)
            } else if !optionNames.contains(key) {
                let sections = command.subcommands.map(\.name).filter { $0 != "help" }
                let message: String
                if isTopLevel {
                    let selectedKeys = selected.map { "options of \($0.name): \($0.options.map(\.name).joined(separator: ", ")); " } ?? ""
                    message = "\(location): unknown key `\(key)`: no subcommand has such an option. Top-level keys are "
                        + "options of any subcommand (\(selectedKeys)others too) or sections \(sections.joined(separator: ", "))"
                } else {
                    let valid = command.options.map(\.name) + sections.map { "\($0): {…}" }
                    message = "\(location): unknown key `\(key)`: not an option of `\(command.name)`; valid keys here: "
                        + valid.joined(separator: ", ")
                }
                throw Failure(message: message)
            }
        }
    }

    private func value(of node: Node, key: String, location: String) throws -> Value? {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return nil }
            return .scalar(scalar.string)
        case .sequence(let sequence):
            return .list(try sequence.map { item in
                guard case .scalar(let scalar) = item else {
                    throw Failure(message: "\(location): `\(key)` lists must hold plain values")
                }
                return scalar.string
            })
        default:
            throw Failure(message: "\(location): `\(key)` needs a value (a string, number, boolean or list), not a mapping")
        }
    }

    /// The command-line arguments that give `option` the value `value`.
    private func arguments(for option: Option, value: Value, source: String, in command: Command) throws -> [String] {
        let flag = "--" + option.name
        if option.isFlag {
            guard case .scalar(let text) = value else {
                throw Failure(message: "\(source): --\(option.name) is a flag; give true or false")
            }
            if option.isRepeating, let count = Int(text), count >= 0 {
                return Array(repeating: flag, count: count)
            }
            guard let on = Self.boolean(text) else {
                throw Failure(message: "\(source): --\(option.name) is a flag; give true or false (also yes/no, on/off, 1/0), not `\(text)`")
            }
            if on { return [flag] }
            // `x: false` → `--no-x` when the command has that inverse flag.
            return command.option(named: "no-" + option.name)?.isFlag == true ? ["--no-" + option.name] : []
        }
        switch value {
        case .scalar(let text):
            return [flag + "=" + text]
        case .list(let items):
            guard option.isRepeating else {
                throw Failure(message: "\(source): --\(option.name) takes one value, not a list")
            }
            return items.map { flag + "=" + $0 }
        }
    }

    /// `true`/`false`, `yes`/`no`, `on`/`off`, `1`/`0` (any case).
    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on", "1": true
        case "false", "no", "off", "0": false
        default: nil
        }
    }

    // MARK: - Help

    /// The help text's section on the environment and config file for `command`.
    static func helpSection(for command: Command?) -> String {
        var text = """
        ENVIRONMENT AND CONFIG FILE:
          Every option can also come from an environment variable SENSEVOICE_<OPTION> (the long name
          in upper snake case: --max-upload-mb → SENSEVOICE_MAX_UPLOAD_MB) or from a config file
          given by --config FILE or $SENSEVOICE_CONFIG. The file is YAML or JSON: a mapping of long
          option names to values (`port: 6006`, `vad-model: /models/fsmn-vad`, `no-vad: true`,
          lists for repeatable options), with optional per-subcommand sections (`serve: {port: 8080}`)
          that override top-level keys. Precedence: command-line flags > environment > config file >
          defaults; setting --no-vad (or --synthetic) at a higher level also drops --vad-model (or
          --model) from lower ones. Flags take true/false (yes/no, on/off, 1/0); `itn: false` means
          --no-itn. Unknown keys in the file are errors; variables for options a subcommand does not
          have are ignored.
        """
        if let command, !command.options.isEmpty {
            var line = "\n  Variables of \(command.name):"
            var width = line.count
            for (i, name) in command.options.map(\.environmentName).enumerated() {
                let word = " " + name + (i == command.options.count - 1 ? "." : ",")
                if width + word.count > 92 {
                    line += "\n   "
                    width = 3
                }
                line += word
                width += word.count
            }
            text += line
        }
        return text + "\n"
    }

    /// The command a help request is about (`help serve`, `serve --help`), if any.
    func helpTarget(_ arguments: [String]) -> Command? {
        var words = arguments.filter { !$0.hasPrefix("-") }
        if words.first == "help" { words.removeFirst() }
        var command = root
        var found = false
        for word in words {
            guard let sub = command.subcommand(named: word) else { break }
            command = sub
            found = true
        }
        return found ? command : nil
    }
}

// MARK: - ArgumentParser's dump-help JSON (the fields used here)

private struct DumpedTool: Decodable {
    var command: DumpedCommand
}

private struct DumpedCommand: Decodable {
    var commandName: String
    var aliases: [String]?
    var subcommands: [DumpedCommand]?
    var arguments: [DumpedArgument]?
}

private struct DumpedArgument: Decodable {
    struct Name: Decodable {
        var kind: String
        var name: String
    }
    var kind: String
    var names: [Name]?
    var preferredName: Name?
    var isRepeating: Bool
}
