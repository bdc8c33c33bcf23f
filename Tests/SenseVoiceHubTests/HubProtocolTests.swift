import Foundation
import SenseVoiceEngine
@testable import SenseVoiceHub
import SenseVoiceHubTestSupport
import SenseVoiceTestSupport
import Testing

@Suite("Hub protocols against the fake hub", .serialized)
struct HubProtocolTests {
    @Test func huggingFaceListingHasSizesLFSChecksumsAndCommit() async throws {
        let hub = try FakeHub.standard()
        let listing = try await hub.run { url in
            try await HuggingFaceHub(endpoint: url).listing(of: "FunAudioLLM/SenseVoiceSmall", revision: "main")
        }
        #expect(listing.commit == FakeHub.commit)
        let model = try #require(listing.files.first { $0.path == "model.pt" })
        let bytes = try Data(contentsOf: Fixtures.tinyModel.appendingPathComponent("model.pt"))
        #expect(model.size == Int64(bytes.count))
        #expect(model.sha256 == SHA256.hash(bytes).hex)
        // Non-LFS files carry a size but no SHA-256 on Hugging Face.
        let config = try #require(listing.files.first { $0.path == "config.yaml" })
        #expect(config.sha256 == nil && config.size != nil)
        #expect(hub.records.first?.query.contains("blobs=true") == true)
    }

    @Test func modelScopeListingSkipsFoldersAndCarriesChecksums() async throws {
        let hub = try FakeHub.standard()
        let listing = try await hub.run { url in
            try await ModelScopeHub(endpoint: url).listing(of: "iic/SenseVoiceSmall", revision: "master")
        }
        #expect(!listing.files.contains { $0.path == "example" })
        #expect(Set(listing.files.map(\.path)).isSuperset(of: ModelCatalog.senseVoiceSmall.requiredFiles))
        #expect(listing.files.allSatisfy { $0.sha256?.count == 64 && $0.size != nil })
        let record = try #require(hub.records.first)
        #expect(record.path == "/api/v1/models/iic/SenseVoiceSmall/repo/files")
        #expect(record.query.contains("Revision=master") && record.query.contains("Recursive=true"))
    }

    @Test(arguments: HubKind.allCases)
    func unknownModelIsModelNotOnHub(kind: HubKind) async throws {
        let hub = try FakeHub.standard()
        let error = await #expect(throws: HubError.self) {
            try await hub.run { url in
                let source: any HubSource = kind == .huggingface ? HuggingFaceHub(endpoint: url) : ModelScopeHub(endpoint: url)
                return try await source.listing(of: "nobody/nothing", revision: source.defaultRevision)
            }
        }
        #expect(error?.code == .modelNotOnHub)
    }

    @Test func unreachableHubIsANetworkError() async throws {
        // Port 9 (discard) on localhost: nothing listens there in the test environment.
        let error = await #expect(throws: HubError.self) {
            try await ModelScopeHub(endpoint: URL(string: "http://127.0.0.1:9")!).listing(of: "iic/SenseVoiceSmall", revision: "master")
        }
        #expect(error?.code == .network)
    }

    @Test func tokenIsSentAsBearer() async throws {
        let hub = try FakeHub.standard()
        _ = try await hub.run { url in
            let source = try HuggingFaceHub(environment: ["HF_ENDPOINT": url.absoluteString + "/", "HF_TOKEN": "hf_secret"])
            return try await source.listing(of: "FunAudioLLM/SenseVoiceSmall", revision: "main")
        }
        #expect(hub.records.first?.authorization == "Bearer hf_secret")
    }

    /// LFS files redirect to another host: the range survives, the token stays with the hub.
    @Test func redirectToTheCDNKeepsTheRangeAndDropsTheToken() async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let staging = env.cache + "/sensevoice-small.partial"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let original = try Data(contentsOf: Fixtures.tinyModel.appendingPathComponent("model.pt"))
        try original.prefix(1_000_000).write(to: URL(fileURLWithPath: staging + "/model.pt.part"))
        let hub = try FakeHub.standard()
        let result = try await hub.run { url in
            var options = PullOptions(model: ModelCatalog.senseVoiceSmall, cacheDirectory: env.cache)
            options.environment = env.variables()
            return try await ModelDownloader(source: HuggingFaceHub(endpoint: url, token: "hf_secret")).pull(options)
        }
        let resolve = try #require(hub.records.first { $0.path.hasSuffix("/resolve/main/model.pt") })
        #expect(resolve.authorization == "Bearer hf_secret" && resolve.range == "bytes=1000000-")
        let cdn = try #require(hub.downloads(of: "model.pt").first)
        #expect(cdn.path.hasPrefix("/lfs-cdn/") && cdn.host?.hasPrefix("localhost") == true)
        #expect(cdn.range == "bytes=1000000-")
        #expect(cdn.authorization == nil)
        #expect(hub.downloads(of: "config.yaml").first?.authorization == "Bearer hf_secret")
        #expect(try Data(contentsOf: URL(fileURLWithPath: result.directory + "/model.pt")) == original)
    }

    /// The timeout is for silence, not for the whole transfer: a slow but steady download succeeds.
    @Test func slowSteadyDownloadOutlastsTheIdleTimeout() async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let hub = try FakeHub.standard()
        var faults = FakeHub.Faults()
        faults.slowDownload = ["config.yaml": 400]  // 10 pieces, 4 s in all
        hub.setFaults(faults)
        try FileManager.default.createDirectory(atPath: env.cache, withIntermediateDirectories: true)
        let part = env.cache + "/config.yaml.part"
        let attempt = try await hub.run { url in
            let request = try ModelScopeHub(endpoint: url).downloadRequest(repository: "iic/SenseVoiceSmall", revision: "master", file: "config.yaml")
            return try await HubHTTP.download(request, to: part, what: "config.yaml", idleTimeout: 2) { _, _ in }
        }
        #expect(attempt.bytesOnDisk == Int64(hub.bytes(repo: "iic/SenseVoiceSmall", file: "config.yaml")?.count ?? -1))
    }

    /// A download that goes silent fails as a network error (and keeps what arrived, for the retry).
    @Test func stalledDownloadFailsAfterTheIdleTimeout() async throws {
        let env = try HubTestEnvironment()
        defer { env.remove() }
        let hub = try FakeHub.standard()
        var faults = FakeHub.Faults()
        faults.slowDownload = ["config.yaml": 2500]
        hub.setFaults(faults)
        try FileManager.default.createDirectory(atPath: env.cache, withIntermediateDirectories: true)
        let part = env.cache + "/config.yaml.part"
        let error = await #expect(throws: HubError.self) {
            try await hub.run { url in
                let request = try ModelScopeHub(endpoint: url).downloadRequest(repository: "iic/SenseVoiceSmall", revision: "master", file: "config.yaml")
                return try await HubHTTP.download(request, to: part, what: "config.yaml", idleTimeout: 1) { _, _ in }
            }
        }
        #expect(error?.code == .network)
    }

    @Test func endpointsFromTheEnvironment() throws {
        #expect(try HuggingFaceHub(environment: [:]).endpoint.absoluteString == "https://huggingface.co")
        #expect(try HuggingFaceHub(environment: ["HF_ENDPOINT": "https://hf-mirror.com/"]).endpoint.absoluteString == "https://hf-mirror.com")
        #expect(try ModelScopeHub(environment: [:]).endpoint.absoluteString == "https://www.modelscope.cn")
        #expect(try ModelScopeHub(environment: ["MODELSCOPE_DOMAIN": "modelscope.cn"]).endpoint.absoluteString == "https://modelscope.cn")
        #expect(try ModelScopeHub(environment: ["MODELSCOPE_DOMAIN": "http://127.0.0.1:8080"]).endpoint.absoluteString == "http://127.0.0.1:8080")
        #expect(throws: HubError.self) { try HuggingFaceHub(environment: ["HF_ENDPOINT": "ftp://x"]) }
    }

    @Test("a malformed hub endpoint is a clear invalid_argument error naming the variable, never a crash",
          arguments: [("HF_ENDPOINT", "https://hf-mirror.com?x=1"), ("HF_ENDPOINT", "https://hf-mirror.com/#top"),
                      ("HF_ENDPOINT", "https://hf-mirror.com:99999"), ("HF_ENDPOINT", "https://"),
                      ("HF_ENDPOINT", "hf mirror"), ("MODELSCOPE_DOMAIN", "modelscope.cn?x"),
                      ("MODELSCOPE_DOMAIN", "http://exa mple.com"), ("MODELSCOPE_DOMAIN", "modelscope.cn:0")])
    func malformedEndpoints(variable: String, value: String) throws {
        let kind: HubKind = variable == "HF_ENDPOINT" ? .huggingface : .modelscope
        let error = #expect(throws: HubError.self) { try HubSources.make(kind, environment: [variable: value]) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains(variable) == true, "\(String(describing: error))")
    }

    @Test func downloadURLsFollowEachHubsLayout() throws {
        let hf = HuggingFaceHub(endpoint: URL(string: "https://huggingface.co")!)
        #expect(try hf.downloadRequest(repository: "funasr/fsmn-vad", revision: "main", file: "am.mvn").url.absoluteString
                == "https://huggingface.co/funasr/fsmn-vad/resolve/main/am.mvn")
        #expect(try hf.downloadRequest(repository: "funasr/fsmn-vad", revision: "refs/pr/1", file: "am.mvn").url.absoluteString
                == "https://huggingface.co/funasr/fsmn-vad/resolve/refs%2Fpr%2F1/am.mvn")
        let ms = ModelScopeHub(endpoint: URL(string: "https://www.modelscope.cn")!)
        #expect(try ms.downloadRequest(repository: "iic/SenseVoiceSmall", revision: "master", file: "model.pt").url.absoluteString
                == "https://www.modelscope.cn/api/v1/models/iic/SenseVoiceSmall/repo?Revision=master&FilePath=model.pt")
    }
}
