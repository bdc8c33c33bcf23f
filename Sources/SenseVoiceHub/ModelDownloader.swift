// `models pull`: list a hub repository, download the files the engine needs with resume and
// checksum retries into a staging folder, record a manifest, check the engine loads it, then rename it into place.

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SenseVoiceEngine

/// What `pull` should do.
public struct PullOptions: Sendable {
    /// The model to install.
    public var model: HubModel
    /// The revision; nil for the hub's default (`main` / `master`).
    public var revision: String?
    /// The cache folder; the model goes into `cache/<model.name>`.
    public var cacheDirectory: String
    /// Download even when a complete copy is already present.
    public var force = false
    /// Look for complete copies in FunASR's ModelScope and Hugging Face caches (`ModelLocator`).
    public var reuseOtherCaches = true
    /// Attempts per file before giving up (a broken connection resumes; a bad checksum restarts the file).
    public var maxAttempts = 3
    /// Environment for locating other caches.
    public var environment: [String: String] = ProcessInfo.processInfo.environment

    public init(model: HubModel, revision: String? = nil, cacheDirectory: String) {
        self.model = model
        self.revision = revision
        self.cacheDirectory = cacheDirectory
    }
}

/// What `pull` did.
public struct PullResult: Sendable {
    /// The folder holding the model now.
    public var directory: String
    /// False when an existing complete copy was used instead of downloading.
    public var downloaded: Bool
    /// The manifest written at install (nil when an existing copy without one was reused).
    public var manifest: ModelManifest?
}

/// Progress and decisions of a pull, for a progress display.
public enum PullEvent: Sendable {
    /// A complete copy was found; nothing is downloaded.
    case reusing(directory: String)
    /// The repository listing arrived; these files will be fetched.
    case plan(repository: String, revision: String, files: [HubFile])
    /// A file is being fetched (attempt starts at 1; `resumeFrom` > 0 when continuing a part file).
    case fileStarted(file: String, attempt: Int, resumeFrom: Int64, size: Int64?)
    /// Bytes of a file on disk so far.
    case fileProgress(file: String, bytes: Int64, size: Int64?)
    /// A file failed an attempt and will be retried.
    case retrying(file: String, attempt: Int, reason: String)
    /// A file is complete and checked.
    case fileDone(file: String, size: Int64, sha256: String)
    /// The staged model is being loaded by the engine.
    case verifying(directory: String)
    /// The model is in place.
    case installed(directory: String)
}

/// Downloads and installs models from a hub.
public struct ModelDownloader: Sendable {
    /// The hub to fetch from.
    public let source: any HubSource
    /// Receives progress; may be called from URLSession queues.
    public let events: @Sendable (PullEvent) -> Void

    public init(source: any HubSource, events: @escaping @Sendable (PullEvent) -> Void = { _ in }) {
        self.source = source
        self.events = events
    }

    /// The staging folder of a target: `target.partial`.
    public static func stagingDirectory(for target: String) -> String { target + ".partial" }

    /// Installs `options.model` into `options.cacheDirectory/<name>`, or finds a complete copy.
    ///
    /// Steps: reuse an existing complete copy (unless `force`); list the repository; download each
    /// needed file to `target.partial/<file>.part`, resuming with a range request and checking size
    /// and SHA-256 (a mismatch deletes the part and retries); write the manifest; load the model
    /// with the engine; rename the staging folder to the target.
    /// - Throws: `HubError` (`.modelNotOnHub`, `.unauthorized`, `.network`, `.checksumMismatch`,
    ///   `.verificationFailed`, `.ioError`).
    public func pull(_ options: PullOptions) async throws -> PullResult {
        let model = options.model
        let target = (options.cacheDirectory as NSString).appendingPathComponent(model.name)
        if !options.force, let existing = findComplete(options, target: target) {
            events(.reusing(directory: existing))
            return PullResult(directory: existing, downloaded: false, manifest: try? ModelManifest.read(directory: existing))
        }

        let lock = try Self.lock(cache: options.cacheDirectory, name: model.name)
        defer { close(lock) }  // releases the flock

        let repository = model.repositoryID(on: source.kind)
        let revision = options.revision ?? source.defaultRevision
        let listing = try await source.listing(of: repository, revision: revision)
        let byPath = Dictionary(listing.files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let missing = model.requiredFiles.filter { byPath[$0] == nil }
        guard missing.isEmpty else {
            throw HubError(.modelNotOnHub, "\(source.kind.rawValue) repository \(repository) at \(revision) lacks \(missing.joined(separator: ", ")); is this the right model id and revision?")
        }
        let wanted = (model.requiredFiles + model.optionalFiles).compactMap { byPath[$0] }
        events(.plan(repository: repository, revision: revision, files: wanted))

        let staging = Self.stagingDirectory(for: target)
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw HubError(.ioError, "cannot create \(staging); check that \(options.cacheDirectory) is writable", underlying: error)
        }

        var entries: [ModelManifest.Entry] = []
        for file in wanted {
            try Task.checkCancellation()
            entries.append(try await fetch(file, repository: repository, revision: revision, staging: staging,
                                           maxAttempts: max(1, options.maxAttempts)))
        }
        // Files of an earlier, different listing must not linger in the installed folder.
        // (Compared by first path component: `example/en.mp3` keeps its folder.)
        let keep = Set(wanted.map { String($0.path.split(separator: "/").first ?? "") }).union([ModelManifest.fileName])
        for name in (try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? [] where !keep.contains(name) {
            try? FileManager.default.removeItem(atPath: (staging as NSString).appendingPathComponent(name))
        }

        let manifest = ModelManifest(model: model.name, source: source.kind, endpoint: source.endpoint.absoluteString,
                                     repository: repository, revision: revision, commit: listing.commit, files: entries)
        try manifest.write(directory: staging)

        events(.verifying(directory: staging))
        do { try model.load(directory: staging) } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw HubError(.verificationFailed, "the downloaded \(model.name) does not load: \(error); the hub's files may not be a \(model.summary) model", underlying: error)
        }
        try Self.install(staging: staging, target: target)
        events(.installed(directory: target))
        return PullResult(directory: target, downloaded: true, manifest: manifest)
    }

    /// A complete copy: the target, else (when allowed) a `ModelLocator` candidate, that has the
    /// required files, matches its manifest's sizes when it has one, and loads in the engine.
    func findComplete(_ options: PullOptions, target: String) -> String? {
        let model = options.model
        var candidates = [target]
        if options.reuseOtherCaches {
            switch model.name {
            case ModelCatalog.senseVoiceSmall.name: candidates += ModelLocator.senseVoiceCandidates(environment: options.environment)
            case ModelCatalog.fsmnVAD.name: candidates += ModelLocator.fsmnVADCandidates(environment: options.environment)
            case ModelCatalog.campPlus.name: candidates += ModelLocator.campPlusCandidates(environment: options.environment)
            default: break
            }
        }
        let fm = FileManager.default
        var seen = Set<String>()
        for candidate in candidates where seen.insert(candidate).inserted {
            guard model.requiredFiles.allSatisfy({ fm.fileExists(atPath: (candidate as NSString).appendingPathComponent($0)) }) else { continue }
            if ModelVerifier.verify(directory: candidate, as: model, checksums: false, load: true).isVerified { return candidate }
        }
        return nil
    }

    /// Downloads one file into the staging folder, with resume and bounded retries.
    private func fetch(_ file: HubFile, repository: String, revision: String, staging: String, maxAttempts: Int) async throws -> ModelManifest.Entry {
        let fm = FileManager.default
        let final = (staging as NSString).appendingPathComponent(file.path)
        let part = final + ".part"
        let parent = (final as NSString).deletingLastPathComponent
        try? fm.createDirectory(atPath: parent, withIntermediateDirectories: true)

        // Already staged by an earlier run: keep it when it still checks out.
        if fm.fileExists(atPath: final) {
            if let entry = try? check(path: final, against: file) {
                events(.fileDone(file: file.path, size: entry.size, sha256: entry.sha256))
                return entry
            }
            try? fm.removeItem(atPath: final)
        }

        let request = try source.downloadRequest(repository: repository, revision: revision, file: file.path)
        var lastError: HubError?
        for attempt in 1...maxAttempts {
            let onDisk = Self.size(of: part) ?? 0
            events(.fileStarted(file: file.path, attempt: attempt, resumeFrom: onDisk, size: file.size))
            let name = file.path
            let events = self.events
            do {
                _ = try await HubHTTP.download(request, to: part, what: "\(repository)/\(file.path)") { bytes, total in
                    events(.fileProgress(file: name, bytes: bytes, size: file.size ?? total))
                }
            } catch let error as HubError where error.code == .network || error.code == .badResponse {
                lastError = error
                if attempt < maxAttempts {
                    events(.retrying(file: file.path, attempt: attempt, reason: error.message))
                    try await Task.sleep(for: .milliseconds(200 * attempt))
                }
                continue
            }
            do {
                let entry = try check(path: part, against: file)
                guard rename(part, final) == 0 else {
                    throw HubError(.ioError, "cannot rename \(part) to \(final): \(String(cString: strerror(errno)))")
                }
                events(.fileDone(file: file.path, size: entry.size, sha256: entry.sha256))
                return entry
            } catch let error as HubError where error.code == .checksumMismatch {
                // A wrong byte anywhere: the part cannot be trusted, start the file again.
                try? fm.removeItem(atPath: part)
                lastError = error
                if attempt < maxAttempts { events(.retrying(file: file.path, attempt: attempt, reason: error.message)) }
            }
        }
        throw lastError.map { e in
            HubError(e.code, "\(e.message) (gave up after \(maxAttempts) attempts)", underlying: e.underlying)
        } ?? HubError(.network, "downloading \(file.path) failed")
    }

    /// Checks a downloaded file's size and SHA-256 against the listing.
    /// - Throws: `HubError(.checksumMismatch)`.
    private func check(path: String, against file: HubFile) throws -> ModelManifest.Entry {
        let size = Self.size(of: path) ?? -1
        if let expected = file.size, size != expected {
            throw HubError(.checksumMismatch, "\(file.path) has \(size) bytes, the hub says \(expected)")
        }
        let digest = try SHA256.hash(fileAt: path).hex
        if let expected = file.sha256, digest != expected {
            throw HubError(.checksumMismatch, "\(file.path) has SHA-256 \(digest), the hub says \(expected)")
        }
        if file.sha256 == nil, let expected = file.gitBlobID {
            let id = try GitBlobSHA1.hash(fileAt: path)
            if id != expected {
                throw HubError(.checksumMismatch, "\(file.path) has git object id \(id), the hub says \(expected)")
            }
        }
        return ModelManifest.Entry(path: file.path, size: size, sha256: digest)
    }

    /// Takes `cache/.<name>.lock` with `flock`, so two pulls never write one staging folder.
    /// - Returns: the open descriptor (closing it releases the lock).
    /// - Throws: `HubError(.busy)` when another process holds it, `.ioError` when the cache is not writable.
    static func lock(cache: String, name: String) throws -> Int32 {
        do {
            try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        } catch {
            throw HubError(.ioError, "cannot create the cache folder \(cache); pass --cache DIR with a writable folder", underlying: error)
        }
        let path = (cache as NSString).appendingPathComponent(".\(name).lock")
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw HubError(.ioError, "cannot open \(path): \(String(cString: strerror(errno))); pass --cache DIR with a writable folder")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw HubError(.busy, "another `sensevoice models pull \(name)` is downloading into \(cache); wait for it to finish")
        }
        return fd
    }

    /// Moves the staging folder into place with `rename(2)`; an existing target is moved aside first
    /// and removed after, so the target path always holds a whole model.
    static func install(staging: String, target: String) throws {
        let fm = FileManager.default
        var aside: String?
        if fm.fileExists(atPath: target) {
            let old = "\(target).old-\(UUID().uuidString.prefix(8))"
            guard rename(target, old) == 0 else {
                throw HubError(.ioError, "cannot move the old \(target) aside: \(String(cString: strerror(errno)))")
            }
            aside = old
        }
        guard rename(staging, target) == 0 else {
            let reason = String(cString: strerror(errno))
            if let aside { _ = rename(aside, target) }
            throw HubError(.ioError, "cannot move \(staging) to \(target): \(reason)")
        }
        if let aside { try? fm.removeItem(atPath: aside) }
    }

    static func size(of path: String) -> Int64? {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value
    }
}
