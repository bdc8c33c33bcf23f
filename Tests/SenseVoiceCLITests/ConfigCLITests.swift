// Options from SENSEVOICE_<OPTION> variables and --config files, through the built binary; help
// text; JSON logs.

import Foundation
import SenseVoiceTestSupport
import Testing

@Suite("sensevoice config, environment and logs (end to end)", .serialized)
struct ConfigCLITests {
    /// A config file in a fresh temporary folder.
    func configFile(_ text: String, ext: String = "yaml") throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sv-config-\(UUID().uuidString).\(ext)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Runs `bench` on the small synthetic model and returns its encoder frame count (which
    /// follows --seconds), with the variables tests do not set cleared.
    func benchFrames(_ extra: [String], env: [String: String] = [:]) throws -> Int {
        var environment = ["SENSEVOICE_CONFIG": "", "SENSEVOICE_SECONDS": "", "SENSEVOICE_MODEL": "", "SENSEVOICE_SYNTHETIC": ""]
        environment.merge(env) { $1 }
        let out = try CLIRunner.run(["bench", "--threads", "1", "--repeats", "1", "--warmup", "0"] + extra, environment: environment)
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        return try #require(object["encoder_frames"] as? Int)
    }

    @Test func precedenceFlagsOverEnvironmentOverFile() throws {
        let two = try benchFrames(["--synthetic", "small", "--seconds", "2"])
        let three = try benchFrames(["--synthetic", "small", "--seconds", "3"])
        #expect(two != three)
        let file = try configFile("synthetic: small\nbench:\n  seconds: 2\n")
        #expect(try benchFrames(["--config", file]) == two)                                         // file
        #expect(try benchFrames(["--config", file], env: ["SENSEVOICE_SECONDS": "3"]) == three)     // env > file
        #expect(try benchFrames(["--seconds", "2", "--config", file], env: ["SENSEVOICE_SECONDS": "3"]) == two)  // flag > env
        #expect(try benchFrames([], env: ["SENSEVOICE_CONFIG": file]) == two)                       // $SENSEVOICE_CONFIG
        let json = try configFile(#"{"bench": {"synthetic": "small", "seconds": 3}}"#, ext: "json")
        #expect(try benchFrames(["--config=\(json)"]) == three)
    }

    @Test func aFlagDropsTheOptionsItExcludesFromLowerSources() throws {
        // Legacy behaviour kept: $SENSEVOICE_MODEL does not clash with --synthetic.
        _ = try benchFrames(["--synthetic", "small", "--seconds", "2"], env: ["SENSEVOICE_MODEL": "/nonexistent"])
        // $SENSEVOICE_VAD_MODEL does not clash with --no-vad.
        let out = try CLIRunner.run(["transcribe", Fixtures.audio("en.wav").path, "--model", CLIRunner.tinyModel, "--no-vad", "--quiet"],
                                    environment: ["SENSEVOICE_VAD_MODEL": "/nonexistent", "SENSEVOICE_CONFIG": ""])
        #expect(out.status == 0, "stderr: \(out.stderr)")
    }

    @Test func booleansAndLegacyVariablesForTranscribe() throws {
        let file = try configFile("transcribe:\n  no-vad: true\n  format: json\n  itn: false\n  quiet: yes\n")
        let out = try CLIRunner.run(["transcribe", Fixtures.audio("en.wav").path, "--config", file],
                                    environment: ["SENSEVOICE_MODEL": CLIRunner.tinyModel, "SENSEVOICE_VAD_MODEL": "", "SENSEVOICE_CONFIG": ""])
        #expect(out.status == 0, "stderr: \(out.stderr)")
        #expect(out.stderr.isEmpty, "quiet: \(out.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        #expect(object["raw"] is String)
        // A bad boolean names the variable.
        let bad = try CLIRunner.run(["transcribe", Fixtures.audio("en.wav").path],
                                    environment: ["SENSEVOICE_NO_VAD": "sometimes", "SENSEVOICE_CONFIG": ""])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("SENSEVOICE_NO_VAD"))
    }

    @Test func unknownKeysAndBadFilesAreErrors() throws {
        let typo = try CLIRunner.run(["bench", "--config", try configFile("bench:\n  secnds: 2\n")], environment: ["SENSEVOICE_CONFIG": ""])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("`secnds`"), "\(typo.stderr)")
        #expect(typo.stderr.contains("seconds"), "valid keys listed: \(typo.stderr)")
        let missing = try CLIRunner.run(["bench", "--config", "/nonexistent/sensevoice.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/sensevoice.yaml"))
        let malformed = try CLIRunner.run(["bench"], environment: ["SENSEVOICE_CONFIG": try configFile("seconds: [2\n")])
        #expect(malformed.status == 2)
        #expect(malformed.stderr.contains("not valid YAML"))
        let list = try CLIRunner.run(["bench", "--config", try configFile("seconds: [1, 2]\n")], environment: ["SENSEVOICE_CONFIG": ""])
        #expect(list.status == 2)
        #expect(list.stderr.contains("one value"))
    }

    @Test func helpDocumentsEnvironmentAndConfigFile() throws {
        let serve = try CLIRunner.run(["serve", "--help"], environment: ["SENSEVOICE_CONFIG": "/nonexistent"])
        #expect(serve.status == 0, "help never reads the config file: \(serve.stderr)")
        for text in ["ENVIRONMENT AND CONFIG FILE", "SENSEVOICE_MAX_UPLOAD_MB", "SENSEVOICE_PORT", "SENSEVOICE_NO_VAD",
                     "--config FILE", "Precedence", "--log-format", "--log-level"] {
            #expect(serve.stdout.contains(text), "serve --help lacks \(text)")
        }
        let transcribe = try CLIRunner.run(["help", "transcribe"])
        #expect(transcribe.status == 0)
        #expect(transcribe.stdout.contains("SENSEVOICE_NO_ITN"))
        let root = try CLIRunner.run(["--help"])
        #expect(root.stdout.contains("SENSEVOICE_<OPTION>"))
        #expect(root.stdout.contains("$SENSEVOICE_CONFIG"))
    }

    @Test func jsonLogsAreOneObjectPerLine() throws {
        let out = try CLIRunner.run(["transcribe", Fixtures.audio("en.wav").path,
                                     "--model", CLIRunner.tinyModel, "--no-vad", "--log-format", "json"],
                                    environment: ["SENSEVOICE_CONFIG": ""])
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let lines = out.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            #expect(record["ts"] is String && record["level"] is String && record["msg"] is String && record["logger"] is String)
        }
        #expect(out.stderr.contains("loaded"))
        // --log-level filters: warning drops the info-level progress lines.
        let quiet = try CLIRunner.run(["transcribe", Fixtures.audio("en.wav").path, "--model", CLIRunner.tinyModel, "--no-vad",
                                       "--log-format", "json"], environment: ["SENSEVOICE_LOG_LEVEL": "warning", "SENSEVOICE_CONFIG": ""])
        #expect(quiet.status == 0)
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
        // A fatal error of serve is a JSON record at level error, with the usual exit status.
        let failed = try CLIRunner.run(["serve", "--model", "/nonexistent/model", "--port", "0"],
                                       environment: ["SENSEVOICE_LOG_FORMAT": "json", "SENSEVOICE_CONFIG": ""])
        #expect(failed.status == 3, "\(failed.stderr)")
        // Every line is JSON; the error record is among the last ones (Hummingbird's own shutdown
        // lines may interleave with it, so it is not necessarily the very last).
        let records = try failed.stderr.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
        #expect(records.contains { record in
            record["level"] as? String == "error"
                && (record["msg"] as? String)?.hasPrefix("error [model_not_found]") == true
                && (record["msg"] as? String)?.contains("/nonexistent/model") == true
        }, "\(failed.stderr)")
    }
}
