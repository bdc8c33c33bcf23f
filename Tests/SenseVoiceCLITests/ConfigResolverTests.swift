// ConfigResolver: options from SENSEVOICE_<OPTION> variables and a config file, in process.

import ArgumentParser
import Foundation
@testable import SenseVoiceCLI
import SenseVoiceTestSupport
import Testing

/// A command tree with every kind of argument the resolver has to handle.
struct ProbeRoot: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "probe", subcommands: [ProbeRun.self, ProbeGroup.self])
}

struct ProbeRun: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run")

    @Argument var paths: [String] = []
    @Option var port: Int = 1
    @Option(name: [.customShort("t"), .long]) var threads: Int = 1
    @Option(name: .customLong("max-upload-mb")) var maxUploadMB: Int = 100
    @Option var tag: [String] = []
    @Option var vadModel: String?
    @Flag var noVad = false
    @Flag(inversion: .prefixedNo) var itn = true
    @Flag(name: .shortAndLong) var verbose: Int
    @Option var label: String = "default"
}

struct ProbeGroup: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "models", subcommands: [ProbePull.self])
}

struct ProbePull: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pull")
    @Argument var name: String
    @Option var cache: String = "~"
}

@Suite("ConfigResolver")
struct ConfigResolverTests {
    let resolver = ConfigResolver(root: try! ConfigResolver.tree(of: ProbeRoot.self))

    /// Expands, then parses with ArgumentParser: the values the command would run with.
    func run(_ arguments: [String], env: [String: String] = [:], file: String? = nil) throws -> ProbeRun {
        var env = env
        if file != nil { env["SENSEVOICE_CONFIG"] = "/config.yaml" }
        let expanded = try resolver.expand(arguments, environment: env) { path in
            #expect(path == "/config.yaml")
            return file ?? ""
        }
        return try #require(try ProbeRoot.parseAsRoot(expanded) as? ProbeRun)
    }

    @Test func treeComesFromArgumentParser() throws {
        let run = try #require(resolver.root.subcommand(named: "run"))
        #expect(run.options.map(\.name) == ["port", "threads", "max-upload-mb", "tag", "vad-model", "no-vad", "itn", "no-itn", "verbose", "label"])
        #expect(run.option(named: "tag")?.isRepeating == true)
        #expect(run.option(named: "threads")?.spellings.contains("-t") == true)
        #expect(run.option(named: "max-upload-mb")?.environmentName == "SENSEVOICE_MAX_UPLOAD_MB")
        #expect(resolver.root.subcommand(named: "models")?.subcommand(named: "pull")?.option(named: "cache") != nil)
    }

    @Test func precedenceIsFlagsThenEnvironmentThenFileThenDefault() throws {
        let file = "port: 3\nthreads: 3\nlabel: from-file\n"
        let env = ["SENSEVOICE_PORT": "2", "SENSEVOICE_THREADS": "2"]
        let values = try run(["run", "--port", "1"], env: env, file: file)
        #expect(values.port == 1)             // flag
        #expect(values.threads == 2)          // environment over file
        #expect(values.label == "from-file")  // file over default
        #expect(values.maxUploadMB == 100)    // default
        #expect(try run(["run", "-t", "7"], env: env, file: file).threads == 7)   // short flag wins too
        #expect(try run(["run", "--threads=8"], env: env).threads == 8)
    }

    @Test func sectionsOverrideTopLevelKeys() throws {
        let file = """
        port: 5
        label: top
        run:
          port: 6
        models:
          pull:
            cache: /models
        """
        let values = try run(["run"], file: file)
        #expect(values.port == 6)
        #expect(values.label == "top")
        let expanded = try resolver.expand(["models", "pull", "x"], environment: ["SENSEVOICE_CONFIG": "f"]) { _ in file }
        let pull = try #require(try ProbeRoot.parseAsRoot(expanded) as? ProbePull)
        #expect(pull.cache == "/models")
        #expect(pull.name == "x")
    }

    @Test func flagsTakeBooleansAndInversions() throws {
        #expect(try run(["run"], env: ["SENSEVOICE_NO_VAD": "true"]).noVad)
        #expect(try run(["run"], env: ["SENSEVOICE_NO_VAD": "0"]).noVad == false)
        #expect(try run(["run"], file: "no-vad: yes").noVad)
        #expect(try run(["run"], file: "itn: false").itn == false)
        #expect(try run(["run"], file: "no-itn: true").itn == false)
        #expect(try run(["run"], env: ["SENSEVOICE_ITN": "off"]).itn == false)
        // The command line's --itn beats the environment's inverse.
        #expect(try run(["run", "--itn"], env: ["SENSEVOICE_NO_ITN": "true"]).itn)
        // The environment's `itn: true` beats the file's `no-itn`.
        #expect(try run(["run"], env: ["SENSEVOICE_ITN": "true"], file: "no-itn: true").itn)
        #expect(try run(["run"], file: "verbose: 3").verbose == 3)
        #expect(throws: ConfigResolver.Failure.self) { try run(["run"], env: ["SENSEVOICE_NO_VAD": "maybe"]) }
        #expect(throws: ConfigResolver.Failure.self) { try run(["run"], file: "no-vad: [true]") }
    }

    @Test func exclusiveOptionsFollowPrecedence() throws {
        // --no-vad on the command line drops $SENSEVOICE_VAD_MODEL (legacy: the variable is only a default).
        let values = try run(["run", "--no-vad"], env: ["SENSEVOICE_VAD_MODEL": "/vad"])
        #expect(values.noVad && values.vadModel == nil)
        // The environment's vad-model beats the file's no-vad.
        let both = try run(["run"], env: ["SENSEVOICE_VAD_MODEL": "/vad"], file: "no-vad: true")
        #expect(!both.noVad && both.vadModel == "/vad")
    }

    @Test func repeatedOptions() throws {
        #expect(try run(["run"], file: "tag: [a, b, 'c d']").tag == ["a", "b", "c d"])
        #expect(try run(["run"], env: ["SENSEVOICE_TAG": "x, y"]).tag == ["x", "y"])
        // The command line replaces lists from lower sources; it does not append to them.
        #expect(try run(["run", "--tag", "z"], env: ["SENSEVOICE_TAG": "x"], file: "tag: [w]").tag == ["z"])
        #expect(throws: ConfigResolver.Failure.self) { try run(["run"], file: "port: [1, 2]") }
    }

    @Test func valuesStayValuesAndPositionsAreKept() throws {
        let values = try run(["run", "a.wav", "--", "-b.wav"], file: "label: -dash")
        #expect(values.label == "-dash")
        #expect(values.paths == ["a.wav", "-b.wav"])
    }

    @Test func unknownKeysAreErrorsNamingTheValidOnes() throws {
        let error = try #require(throws: ConfigResolver.Failure.self) { try run(["run"], file: "run:\n  prot: 1\n") }
        #expect(error.message.contains("`prot`"))
        #expect(error.message.contains("port"))
        #expect(error.message.contains("max-upload-mb"))
        let top = try #require(throws: ConfigResolver.Failure.self) { try run(["run"], file: "bogus: 1\n") }
        #expect(top.message.contains("`bogus`"))
        // A top-level key another subcommand has is fine (one file for every subcommand).
        #expect(try run(["run"], file: "cache: /x\nport: 4").port == 4)
        // ... but not inside a section of a subcommand that lacks it.
        #expect(throws: ConfigResolver.Failure.self) { try run(["run"], file: "run: {cache: /x}") }
    }

    @Test func badFilesAreErrors() throws {
        #expect(throws: ConfigResolver.Failure.self) { try run(["run"], file: "port: [1\n") }
        #expect(throws: ConfigResolver.Failure.self) { try run(["run"], file: "- 1\n- 2\n") }
        #expect(throws: ConfigResolver.Failure.self) { try run(["run"], file: "port: {a: 1}") }
        #expect(throws: ConfigResolver.Failure.self) {
            try resolver.expand(["run", "--config"], environment: [:])
        }
        #expect(throws: ConfigResolver.Failure.self) {
            try resolver.expand(["run", "--config", "/does/not/exist.yaml"], environment: [:])
        }
        #expect(try run(["run"], file: "").port == 1)   // an empty file sets nothing
    }

    @Test func jsonFilesAndConfigFlag() throws {
        let expanded = try resolver.expand(["run", "--config=/c.json"], environment: ["SENSEVOICE_CONFIG": "/ignored"]) { path in
            #expect(path == "/c.json")
            return #"{"port": 9, "tag": ["j"], "no-vad": true}"#
        }
        #expect(!expanded.contains { $0.hasPrefix("--config") })
        let values = try #require(try ProbeRoot.parseAsRoot(expanded) as? ProbeRun)
        #expect(values.port == 9 && values.tag == ["j"] && values.noVad)
    }

    @Test func environmentForUnknownOptionsAndEmptyValuesIsIgnored() throws {
        let values = try run(["run"], env: ["SENSEVOICE_DATABASE": "postgres://x", "SENSEVOICE_PORT": "", "SENSEVOICE_ROLE": "worker"])
        #expect(values.port == 1)
    }

    @Test func helpIsLeftAlone() throws {
        let arguments = ["run", "--help"]
        #expect(try resolver.expand(arguments, environment: ["SENSEVOICE_PORT": "2", "SENSEVOICE_CONFIG": "/missing"]) == arguments)
        #expect(resolver.helpTarget(["help", "run"])?.name == "run")
        #expect(ConfigResolver.helpSection(for: resolver.helpTarget(["run", "-h"])).contains("SENSEVOICE_MAX_UPLOAD_MB"))
    }

    @Test func theRealCommandTree() throws {
        let tree = try ConfigResolver.tree(of: SenseVoiceCommand.self)
        let serve = try #require(tree.subcommand(named: "serve"))
        for name in ["port", "host", "model", "vad-model", "no-vad", "api-key", "max-upload-mb", "log-format", "log-level"] {
            #expect(serve.option(named: name) != nil, "serve lacks --\(name)")
        }
        #expect(serve.option(named: "help") == nil)
        let transcribe = try #require(tree.subcommand(named: "transcribe"))
        #expect(transcribe.option(named: "itn") != nil && transcribe.option(named: "no-itn") != nil)
        #expect(transcribe.option(named: "log-format") != nil)
    }

    @Test func theExampleConfigFileFitsTheRealCommands() throws {
        let resolver = ConfigResolver(root: try ConfigResolver.tree(of: SenseVoiceCommand.self))
        let file = Fixtures.packageRoot.appendingPathComponent("deploy/sensevoice.example.yaml").path
        let serve = try resolver.expand(["serve", "--config", file, "--port", "7000"], environment: [:])
        #expect(serve.contains("--host=0.0.0.0") && serve.contains("--max-upload-mb=200") && serve.contains("--log-format=json"))
        #expect(!serve.contains("--port=6006"))
        _ = try SenseVoiceCommand.parseAsRoot(serve)
        let transcribe = try resolver.expand(["transcribe", "a.wav", "--config", file], environment: [:])
        #expect(transcribe.contains("--itn") && transcribe.contains("--format=json") && !transcribe.contains("--ban-emo-unk"))
        #expect(!transcribe.contains("--host=0.0.0.0"))
        _ = try SenseVoiceCommand.parseAsRoot(transcribe)
    }
}
