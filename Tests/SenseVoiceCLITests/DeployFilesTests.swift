// deploy/: the Dockerfile, compose file and Kubernetes manifests checked against each other, the
// scripts, and the CLI they drive (Docker and a cluster are not available to the test suite).

import Foundation
@testable import SenseVoiceCLI
import SenseVoiceTestSupport
import Testing
import Yams

/// Reads the deploy files once.
enum Deploy {
    static let root = Fixtures.packageRoot

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Every YAML document under deploy/k8s, with the file it came from.
    static func manifests() throws -> [(file: String, doc: [String: Any])] {
        let dir = root.appendingPathComponent("deploy/k8s")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted()
        var out: [(String, [String: Any])] = []
        for file in files {
            for doc in try Yams.load_all(yaml: try text("deploy/k8s/\(file)")) {
                guard let map = doc as? [String: Any] else { continue }
                out.append((file, map))
            }
        }
        return out
    }

    /// deploy/compose.yaml with YAML merge keys (`<<: *anchor`) applied, as Compose applies them.
    static func compose() throws -> [String: Any] {
        try #require(resolvingMerges(try Yams.load(yaml: try text("deploy/compose.yaml"))) as? [String: Any])
    }

    static func resolvingMerges(_ value: Any?) -> Any? {
        if let list = value as? [Any] { return list.map { resolvingMerges($0) ?? NSNull() } }
        guard var map = value as? [String: Any] else { return value }
        var merged: [String: Any] = [:]
        if let base = map.removeValue(forKey: "<<") {
            for part in (base as? [Any]) ?? [base] {
                if let part = resolvingMerges(part) as? [String: Any] { merged.merge(part) { $1 } }
            }
        }
        for (key, item) in map { merged[key] = resolvingMerges(item) }
        return merged
    }

    static let image = "sensevoice-swift:latest"

    /// Environment variables scripts/start.sh documents in its header (`#   SENSEVOICE_X  …`).
    static func startScriptVariables() throws -> Set<String> {
        let header = try text("scripts/start.sh").split(separator: "\n").prefix { $0.hasPrefix("#") }
        return Set(header.compactMap { line in
            line.firstMatch(of: /^#\s+(SENSEVOICE_[A-Z_]+)\s/).map { String($0.1) }
        })
    }

    /// The SENSEVOICE_ variables a container running `role` (serve, worker, pull) may set.
    static func allowedVariables(role: String, tree: ConfigResolver.Command) throws -> Set<String> {
        func options(_ path: String) -> [String] {
            var command: ConfigResolver.Command? = tree
            for word in path.split(separator: " ") { command = command?.subcommand(named: String(word)) }
            return command?.options.map(\.name) ?? []
        }
        var names: [String]
        switch role {
        case "serve":
            names = options("serve")
        case "worker": names = options("worker")
        case "pull": names = []   // start.sh pull runs `models pull NAME --cache … --source …` itself
        default: names = []
        }
        let fromOptions = names.map { ConfigResolver.Option(name: $0, isFlag: false, isRepeating: false, spellings: []).environmentName }
        return Set(fromOptions).union(try startScriptVariables()).union(["SENSEVOICE_ROLE", "SENSEVOICE_UI_DIR"])
    }
}

@Suite("Deploy files")
struct DeployFilesTests {
    let tree = try! ConfigResolver.tree(of: SenseVoiceCommand.self)

    // MARK: Dockerfile

    @Test("the Dockerfile installs packages only through scripts/install-deps.sh, like scripts/test.sh")
    func dockerfileUsesTheTestedSetupScript() throws {
        let dockerfile = try Deploy.text("deploy/Dockerfile")
        let runs = dockerfile.split(separator: "\n").filter { $0.hasPrefix("RUN ") }
        #expect(!dockerfile.contains("apt-get"), "the Dockerfile must not keep its own package list")
        #expect(!dockerfile.contains("apt "))
        let installs = runs.filter { $0.contains("install-deps.sh") }
        #expect(installs.count == 2, "one install per stage: \(installs)")
        #expect(installs.contains { $0.contains("install-deps.sh --runtime") })
        #expect(installs.contains { $0.contains("scripts/install-deps.sh") && !$0.contains("--") })
        // The test suite's setup runs the same script.
        let testScript = try Deploy.text("scripts/test.sh")
        #expect(testScript.contains("scripts/install-deps.sh"))
        // And the script knows the --runtime mode the runtime stage uses.
        let deps = try Deploy.text("scripts/install-deps.sh")
        #expect(deps.contains("--runtime)"))
        for library in ["libopenblas0", "libavformat59", "libavcodec59", "libavutil57", "libavfilter8", "libswresample4", "libsqlite3-0"] {
            #expect(deps.contains(library), "runtime library \(library)")
        }
    }

    @Test("the Dockerfile: Swift bookworm build stage, slim non-root runtime, models volume, health check")
    func dockerfileShape() throws {
        let dockerfile = try Deploy.text("deploy/Dockerfile")
        let froms = dockerfile.split(separator: "\n").filter { $0.hasPrefix("FROM ") }.map(String.init)
        #expect(froms.count == 2)
        #expect(froms.first?.hasPrefix("FROM swift:${SWIFT_VERSION}-bookworm AS build") == true)
        #expect(dockerfile.contains(/ARG SWIFT_VERSION=6\.\d+/))
        #expect(froms.last?.hasPrefix("FROM debian:bookworm-slim") == true)
        let user = try #require(dockerfile.firstMatch(of: /\nUSER (\S+)/)).1
        #expect(!user.hasPrefix("root") && !user.hasPrefix("0"))
        #expect(dockerfile.contains("EXPOSE 6006"))
        #expect(dockerfile.contains("VOLUME [\"/models\""))
        #expect(dockerfile.contains("SENSEVOICE_MODEL=/models/"))
        #expect(dockerfile.contains("SENSEVOICE_VAD_MODEL=/models/"))
        #expect(dockerfile.contains("HEALTHCHECK"))
        #expect(dockerfile.contains("\"/usr/local/bin/sensevoice-start\", \"health\""))
        // start.sh's health mode probes /health on the configured port.
        #expect(try Deploy.text("scripts/start.sh").contains("/health\""))
        // Every COPY source exists in the repository.
        for line in dockerfile.split(separator: "\n") where line.hasPrefix("COPY ") && !line.contains("--from") {
            let words = line.split(separator: " ").dropFirst().dropLast()
            for source in words where !source.contains("*") {
                #expect(FileManager.default.fileExists(atPath: Deploy.root.appendingPathComponent(String(source)).path), "COPY \(source)")
            }
        }
        // The resource folder the runtime stage copies is the one SwiftPM builds next to the binary.
        let bundle = "sensevoice-swift_SenseVoiceServer.resources"
        #expect(dockerfile.contains(bundle))
        let built = CLIRunner.binary.deletingLastPathComponent().appendingPathComponent(bundle + "/Public/index.html")
        #expect(FileManager.default.fileExists(atPath: built.path), "\(built.path)")
        // ENV names are documented: options, start.sh's variables, or read by the server.
        let allowed = try Deploy.allowedVariables(role: "serve", tree: tree)
        for match in dockerfile.matches(of: /(SENSEVOICE_[A-Z_]+)=/) {
            #expect(allowed.contains(String(match.1)), "Dockerfile ENV \(match.1)")
        }
    }

    @Test("the runtime stage's packages provide every shared library the binary links (Swift's own aside)")
    func runtimePackagesCoverTheBinary() throws {
        let deps = try Deploy.text("scripts/install-deps.sh")
        let list = try #require(deps.firstMatch(of: /runtime_packages=\(([^)]*)\)/)).1
        let runtime = Set(list.split(whereSeparator: \.isWhitespace).map(String.init))
        // apt installs what the listed packages depend on; slim images already hold the C/C++ runtimes.
        var provided = runtime.union(["libc6", "libgcc-s1", "libstdc++6"])
        for package in runtime {
            let depends = try shell(["dpkg-query", "-W", "-f=${Depends}", package]).output
            for alternative in depends.split(whereSeparator: { $0 == "," || $0 == "|" }) {
                if let name = alternative.split(separator: " ").first { provided.insert(String(name)) }
            }
        }
        let binary = CLIRunner.binary.path
        let needed = try shell(["readelf", "-d", binary]).output.matches(of: /NEEDED\)\s+Shared library: \[([^\]]+)\]/).map { String($0.1) }
        let ldd = try shell(["ldd", binary]).output
        var checked: [String] = []
        for library in needed {
            guard let path = ldd.firstMatch(of: try Regex("\\s\(NSRegularExpression.escapedPattern(for: library)) => (\\S+)"))?.output[1].substring else { continue }
            let real = URL(fileURLWithPath: String(path)).resolvingSymlinksInPath().path
            let owner = try shell(["dpkg-query", "-S", real])
            guard owner.status == 0 else { continue }   // the Swift toolchain's libraries: static in the image
            let package = String(owner.output.prefix { $0 != ":" })
            #expect(provided.contains(package), "\(library) comes from \(package), which install-deps.sh --runtime does not install")
            checked.append(library)
        }
        for library in ["libopenblas.so.0", "libavformat.so.59", "libavcodec.so.59", "libavfilter.so.8", "libsqlite3.so.0"] {
            #expect(checked.contains(library), "\(library) not checked: \(checked)")
        }
    }

    // MARK: compose

    @Test("compose: postgres, a one-shot model pull, api and workers with health checks and dependencies")
    func compose() throws {
        let compose = try Deploy.compose()
        let services = try #require(compose["services"] as? [String: Any])
        for name in ["api", "worker", "postgres", "models"] {
            #expect(services[name] != nil, "service \(name)")
        }
        func service(_ name: String) throws -> [String: Any] { try #require(services[name] as? [String: Any]) }
        for name in ["api", "worker", "postgres"] {
            let check = try #require(try service(name)["healthcheck"] as? [String: Any], "\(name) healthcheck")
            #expect(check["test"] != nil && check["disable"] == nil)
        }
        let apiCheck = try #require((try service("api")["healthcheck"] as? [String: Any])?["test"] as? [String])
        #expect(apiCheck.contains { $0.hasSuffix(":6006/health") })
        for name in ["api", "worker"] {
            let s = try service(name)
            let depends = try #require(s["depends_on"] as? [String: Any])
            #expect((depends["postgres"] as? [String: Any])?["condition"] as? String == "service_healthy")
            #expect((depends["models"] as? [String: Any])?["condition"] as? String == "service_completed_successfully")
            #expect(s["image"] as? String == Deploy.image)
            #expect((s["volumes"] as? [String])?.contains("models:/models") == true)
            #expect(s["command"] as? [String] == [name == "api" ? "serve" : "worker"])
        }
        let models = try service("models")
        #expect(models["command"] as? [String] == ["pull"])
        #expect(models["restart"] as? String == "no")
        #expect(models["image"] as? String == Deploy.image)
        #expect((try service("api")["ports"] as? [String])?.contains { $0.hasSuffix(":6006") } == true)
        // API replicas run no workers; the workers need the database.
        let apiEnv = try #require(try service("api")["environment"] as? [String: Any])
        #expect("\(apiEnv["SENSEVOICE_WORKERS"] ?? "")" == "0")
        let workerEnv = try #require(try service("worker")["environment"] as? [String: Any])
        #expect((workerEnv["SENSEVOICE_DATABASE"] as? String)?.hasPrefix("postgres://") == true)
        // Variables of the shared block (x-sensevoice) reach every role: each must be an option of
        // serve or worker; a service's own variables must fit the role it runs.
        let sharedEnv = try #require((compose["x-sensevoice"] as? [String: Any])?["environment"] as? [String: Any])
        let anyRole = try Deploy.allowedVariables(role: "serve", tree: tree).union(try Deploy.allowedVariables(role: "worker", tree: tree))
        for key in sharedEnv.keys { #expect(anyRole.contains(key), "compose x-sensevoice: \(key)") }
        for (name, role) in [("api", "serve"), ("worker", "worker"), ("models", "pull")] {
            let env = try #require(try service(name)["environment"] as? [String: Any])
            let allowed = try Deploy.allowedVariables(role: role, tree: tree)
            for key in env.keys where key.hasPrefix("SENSEVOICE_") && sharedEnv[key] == nil {
                #expect(allowed.contains(key), "compose \(name): \(key) is no option of `\(role)` nor a start.sh variable")
            }
        }
    }

    // MARK: Kubernetes

    @Test("every manifest has apiVersion, kind, metadata.name and its body")
    func manifestsHaveRequiredKeys() throws {
        let docs = try Deploy.manifests()
        #expect(docs.count >= 9)
        for (file, doc) in docs {
            #expect(doc["apiVersion"] is String, "\(file)")
            let kind = try #require(doc["kind"] as? String, "\(file)")
            if kind == "Kustomization" { continue }
            let metadata = try #require(doc["metadata"] as? [String: Any], "\(file) \(kind)")
            #expect(metadata["name"] is String, "\(file) \(kind)")
            switch kind {
            case "ConfigMap": #expect(doc["data"] is [String: Any], "\(file)")
            case "Secret": #expect(doc["stringData"] is [String: Any] || doc["data"] is [String: Any], "\(file)")
            case "Namespace": break
            default: #expect(doc["spec"] is [String: Any], "\(file) \(kind) needs spec")
            }
        }
        let kinds = docs.compactMap { $0.doc["kind"] as? String }
        for kind in ["Deployment", "Service", "PersistentVolumeClaim", "ConfigMap", "Secret", "StatefulSet"] {
            #expect(kinds.contains(kind), "no \(kind)")
        }
    }

    @Test("deployments: probes, ports, resources, image, init container pulling models, env that exists")
    func deployments() throws {
        let docs = try Deploy.manifests().map(\.doc)
        func named(_ kind: String, _ name: String) throws -> [String: Any] {
            try #require(docs.first { $0["kind"] as? String == kind && ($0["metadata"] as? [String: Any])?["name"] as? String == name },
                         "\(kind) \(name)")
        }
        let config = try #require(try named("ConfigMap", "sensevoice-config")["data"] as? [String: Any])
        let secret = try #require(try named("Secret", "sensevoice-secrets")["stringData"] as? [String: Any])
        let pvcName = try #require((try named("PersistentVolumeClaim", "sensevoice-shared")["metadata"] as? [String: Any])?["name"] as? String)

        for (name, role) in [("sensevoice-api", "serve"), ("sensevoice-worker", "worker")] {
            let deployment = try named("Deployment", name)
            let spec = try #require(deployment["spec"] as? [String: Any])
            let selector = try #require((spec["selector"] as? [String: Any])?["matchLabels"] as? [String: String])
            let template = try #require(spec["template"] as? [String: Any])
            let labels = try #require((template["metadata"] as? [String: Any])?["labels"] as? [String: String])
            for (k, v) in selector { #expect(labels[k] == v, "\(name) selector \(k)") }
            let pod = try #require(template["spec"] as? [String: Any])
            // Service links would inject SENSEVOICE_*_PORT-style variables the resolver reads.
            #expect(pod["enableServiceLinks"] as? Bool == false, "\(name) enableServiceLinks")
            let containers = try #require(pod["containers"] as? [[String: Any]])
            let inits = try #require(pod["initContainers"] as? [[String: Any]], "\(name) pulls models in an init container")
            #expect(inits.contains { $0["args"] as? [String] == ["pull"] })
            let volumes = try #require(pod["volumes"] as? [[String: Any]])
            #expect(volumes.contains { ($0["persistentVolumeClaim"] as? [String: Any])?["claimName"] as? String == pvcName })

            for container in containers + inits {
                #expect(container["image"] as? String == Deploy.image)
                let resources = try #require(container["resources"] as? [String: Any], "\(name) resources")
                let requests = try #require(resources["requests"] as? [String: Any])
                #expect(requests["cpu"] != nil && requests["memory"] != nil)
                let limits = try #require(resources["limits"] as? [String: Any])
                #expect(limits["cpu"] != nil && limits["memory"] != nil)
                let mounts = try #require(container["volumeMounts"] as? [[String: Any]])
                #expect(mounts.contains { $0["mountPath"] as? String == "/models" })
                for mount in mounts {
                    #expect(volumes.contains { $0["name"] as? String == mount["name"] as? String })
                }
                // Env: explicit entries must be options of the role; references must resolve.
                let isInit = inits.contains { $0["name"] as? String == container["name"] as? String }
                let allowed = try Deploy.allowedVariables(role: isInit ? "pull" : role, tree: tree)
                for entry in container["env"] as? [[String: Any]] ?? [] {
                    let key = try #require(entry["name"] as? String)
                    if key.hasPrefix("SENSEVOICE_") { #expect(allowed.contains(key), "\(name): \(key) is no option of `\(role)`") }
                    if let ref = (entry["valueFrom"] as? [String: Any])?["secretKeyRef"] as? [String: Any] {
                        #expect(ref["name"] as? String == "sensevoice-secrets")
                        #expect(secret[ref["key"] as? String ?? ""] != nil, "secret key \(ref["key"] ?? "")")
                    }
                }
                for source in container["envFrom"] as? [[String: Any]] ?? [] {
                    #expect((source["configMapRef"] as? [String: Any])?["name"] as? String == "sensevoice-config")
                }
            }
            let main = try #require(containers.first)
            #expect(main["args"] as? [String] == [role])
            let env = (main["env"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(env.contains("SENSEVOICE_DATABASE"))
            if role == "serve" {
                let ports = try #require(main["ports"] as? [[String: Any]])
                #expect(ports.contains { $0["containerPort"] as? Int == 6006 })
                let live = try #require((main["livenessProbe"] as? [String: Any])?["httpGet"] as? [String: Any])
                #expect(live["path"] as? String == "/health")
                let ready = try #require((main["readinessProbe"] as? [String: Any])?["httpGet"] as? [String: Any])
                #expect(ready["path"] as? String == "/ready")
                let workers = (main["env"] as? [[String: Any]])?.first { $0["name"] as? String == "SENSEVOICE_WORKERS" }?["value"] as? String
                #expect(workers == "0", "API pods run no job workers")
            } else {
                #expect(main["livenessProbe"] != nil)
            }
        }

        // The shared ConfigMap's keys serve every role.
        let anyRole = try Deploy.allowedVariables(role: "serve", tree: tree).union(try Deploy.allowedVariables(role: "worker", tree: tree))
        for key in config.keys { #expect(anyRole.contains(key), "ConfigMap \(key)") }

        // The Service reaches the API pods on 6006.
        let service = try #require(try named("Service", "sensevoice-api")["spec"] as? [String: Any])
        let apiLabels = ((((try named("Deployment", "sensevoice-api")["spec"] as? [String: Any])?["template"] as? [String: Any])?["metadata"] as? [String: Any])?["labels"] as? [String: String]) ?? [:]
        for (k, v) in service["selector"] as? [String: String] ?? [:] { #expect(apiLabels[k] == v) }
        #expect((service["ports"] as? [[String: Any]])?.first?["port"] as? Int == 6006)

        // The database URL in the Secret points at the StatefulSet's Service.
        let postgres = try named("StatefulSet", "postgres")
        #expect((postgres["spec"] as? [String: Any])?["serviceName"] as? String == "postgres")
        #expect((secret["SENSEVOICE_DATABASE"] as? String)?.hasPrefix("postgres://") == true)
        #expect((secret["SENSEVOICE_DATABASE"] as? String)?.contains("@postgres:5432/") == true)

        // kustomization lists every file.
        let kustomization = try #require(docs.first { $0["kind"] as? String == "Kustomization" })
        let listed = Set(kustomization["resources"] as? [String] ?? [])
        let files = try FileManager.default.contentsOfDirectory(atPath: Deploy.root.appendingPathComponent("deploy/k8s").path)
            .filter { $0.hasSuffix(".yaml") && $0 != "kustomization.yaml" }
        #expect(listed == Set(files))
    }

    // MARK: Scripts

    @Test("start.sh's documented variables are the ones it reads")
    func startScriptDocumentsItsVariables() throws {
        let script = try Deploy.text("scripts/start.sh")
        let body = script.split(separator: "\n").drop { $0.hasPrefix("#") }.joined(separator: "\n")
        let documented = try Deploy.startScriptVariables()
        #expect(documented.count >= 5)
        for name in documented { #expect(body.contains(name), "start.sh documents \(name) but never reads it") }
        for match in body.matches(of: /\$\{?(SENSEVOICE_[A-Z_]+)/) {
            let name = String(match.1)
            // The other variables it reads are sensevoice's own options (--no-vad, --port).
            #expect(documented.contains(name) || name == "SENSEVOICE_NO_VAD" || name == "SENSEVOICE_PORT",
                    "start.sh reads \(name) without documenting it")
        }
    }

    @Test("shell scripts parse (bash -n) and pass shellcheck when it is installed", arguments: [
        "scripts/start.sh", "scripts/install-deps.sh", "scripts/test.sh",
    ])
    func scriptsParse(_ path: String) throws {
        let file = Deploy.root.appendingPathComponent(path).path
        #expect(try shell(["bash", "-n", file]).status == 0)
        #expect(FileManager.default.isExecutableFile(atPath: file))
        if try shell(["sh", "-c", "command -v shellcheck"]).status == 0 {
            let lint = try shell(["shellcheck", "-S", "warning", file])
            #expect(lint.status == 0, "\(lint.output)")
        }
    }

    func shell(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("start.sh pull: a missing model is pulled with `models pull NAME --cache`, a present one is not")
    func startScriptPulls() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-start-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A fake sensevoice that records its arguments and "pulls" by creating the model files.
        let fake = dir.appendingPathComponent("sensevoice")
        try """
        #!/usr/bin/env bash
        echo "$*" >> "\(dir.path)/calls"
        if [[ "$1 $2" == "models pull" ]]; then mkdir -p "$5/$3"; touch "$5/$3/model.pt" "$5/$3/config.yaml"; fi
        """.write(to: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        let cache = dir.appendingPathComponent("models").path
        func start(_ args: [String], _ env: [String: String]) throws -> Int32 {
            let process = Process()
            process.executableURL = Deploy.root.appendingPathComponent("scripts/start.sh")
            process.arguments = args
            var environment = ["PATH": "/usr/bin:/bin", "HOME": dir.path, "SENSEVOICE_BIN": fake.path, "SENSEVOICE_MODEL_CACHE": cache]
            environment.merge(env) { $1 }
            process.environment = environment
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        func calls() -> [String] {
            ((try? String(contentsOf: dir.appendingPathComponent("calls"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        #expect(try start(["pull"], ["SENSEVOICE_MODEL_SOURCE": "huggingface"]) == 0)
        #expect(calls() == ["models pull sensevoice-small --cache \(cache) --source huggingface",
                            "models pull fsmn-vad --cache \(cache) --source huggingface"])
        // Present now: nothing pulled; serve is exec'd with the caller's arguments.
        #expect(try start(["serve", "--port", "7"], [:]) == 0)
        #expect(calls().last == "serve --port 7")
        #expect(calls().count == 3)
        // SENSEVOICE_PULL=never fails fast on a missing model; --no-vad skips the VAD model.
        #expect(try start(["worker"], ["SENSEVOICE_MODEL": dir.appendingPathComponent("none").path, "SENSEVOICE_PULL": "never"]) != 0)
        try FileManager.default.removeItem(atPath: cache + "/fsmn-vad")
        #expect(try start(["worker", "--no-vad"], ["SENSEVOICE_ROLE": "worker"]) == 0)
        #expect(calls().last == "worker --no-vad")
        #expect(!FileManager.default.fileExists(atPath: cache + "/fsmn-vad"))
    }

    @Test("start.sh health: 0 while serve answers /health, non-zero once it is gone")
    func startScriptHealth() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("sv-health-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = Process()
        server.executableURL = CLIRunner.binary
        server.arguments = ["serve", "--model", CLIRunner.tinyModel, "--no-vad", "--port", "0", "--data-dir", data.path]
        var environment = ProcessInfo.processInfo.environment
        environment["SENSEVOICE_CONFIG"] = ""
        server.environment = environment
        let errors = Pipe()
        server.standardError = errors
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        // The bound port from the "listening on http://127.0.0.1:PORT" line.
        var log = ""
        var port: String?
        let deadline = Date().addingTimeInterval(30)
        while port == nil && Date() < deadline {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            log += String(decoding: chunk, as: UTF8.self)
            port = log.firstMatch(of: /listening on http:\/\/127\.0\.0\.1:(\d+)/).map { String($0.1) }
        }
        let bound = try #require(port, "no port in: \(log)")
        func health() throws -> Int32 {
            let process = Process()
            process.executableURL = Deploy.root.appendingPathComponent("scripts/start.sh")
            process.arguments = ["health"]
            process.environment = ["PATH": "/usr/bin:/bin", "SENSEVOICE_PORT": bound, "SENSEVOICE_BIN": CLIRunner.binary.path]
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(try health() == 0)
        server.terminate()
        server.waitUntilExit()
        #expect(try health() != 0)
    }
}
