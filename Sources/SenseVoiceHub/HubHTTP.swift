// HTTP for the hubs over Foundation's URLSession: JSON listings, and resumable streaming downloads to a file.

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import SenseVoiceEngine

/// The outcome of one download attempt.
struct DownloadAttempt: Sendable {
    /// Size of the part file after the attempt.
    var bytesOnDisk: Int64
    /// Where the server started sending: the resume offset for a 206, 0 for a 200.
    var startedAt: Int64
    /// Whether the attempt asked for a range (`Range: bytes=N-`).
    var requestedRange: Bool
}

/// The HTTP calls the hubs need.
enum HubHTTP {
    /// Seconds without any data before a request fails.
    static let idleTimeout: TimeInterval = 60

    /// GETs a JSON document.
    /// - Parameters:
    ///   - what: names the thing being fetched in error messages ("Hugging Face model X at revision Y").
    ///   - authHint: what to do on 401/403.
    /// - Throws: `HubError` `.modelNotOnHub` (404), `.unauthorized` (401/403), `.network`, `.badResponse`.
    static func getJSON<T: Decodable>(_ request: HubRequest, as type: T.Type, what: String, authHint: String) async throws -> T {
        var urlRequest = URLRequest(url: request.url, timeoutInterval: idleTimeout)
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.setValue("application/json", forHTTPHeaderField: "Accept")
        let data: Data, response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: urlRequest)
        } catch {
            throw HubError(.network, "cannot reach \(request.url.host ?? request.url.absoluteString) for \(what): \(error.localizedDescription); check the network or the hub endpoint")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        try check(status: status, url: request.url, what: what, authHint: authHint)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw HubError(.badResponse, "\(request.url.absoluteString) did not return the expected JSON for \(what)", underlying: error)
        }
    }

    /// Maps an HTTP status to an error (nothing for 2xx).
    static func check(status: Int, url: URL, what: String, authHint: String) throws {
        switch status {
        case 200..<300: return
        case 404: throw HubError(.modelNotOnHub, "the hub has no \(what) (HTTP 404 from \(url.absoluteString)); check the model id and --revision")
        case 401, 403: throw HubError(.unauthorized, "the hub refused \(what) (HTTP \(status)); \(authHint)")
        default: throw HubError(.network, "the hub answered HTTP \(status) for \(what) (\(url.absoluteString)); try again later")
        }
    }

    /// Downloads into `partPath`, resuming from its current size with `Range: bytes=N-`.
    ///
    /// A 206 appends from the offset; a 200 (a server that ignores ranges) rewrites the file from
    /// the start; a 416 with a complete file is taken as done. The part file keeps whatever arrived
    /// when the connection breaks, so the next attempt resumes.
    /// - Parameter progress: bytes on disk and the full size when known; called from a URLSession queue.
    /// - Throws: `HubError` `.modelNotOnHub`, `.unauthorized`, `.network` (with the part file kept).
    static func download(_ request: HubRequest, to partPath: String, what: String, idleTimeout: TimeInterval = idleTimeout,
                         progress: @escaping @Sendable (Int64, Int64?) -> Void) async throws -> DownloadAttempt {
        let fm = FileManager.default
        if !fm.fileExists(atPath: partPath) {
            guard fm.createFile(atPath: partPath, contents: nil) else {
                throw HubError(.ioError, "cannot create \(partPath); check that the cache folder is writable")
            }
        }
        let offset = ((try? fm.attributesOfItem(atPath: partPath)[.size]) as? NSNumber)?.int64Value ?? 0
        guard let handle = FileHandle(forWritingAtPath: partPath) else {
            throw HubError(.ioError, "cannot write \(partPath); check that the cache folder is writable")
        }
        var urlRequest = URLRequest(url: request.url, timeoutInterval: idleTimeout)
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        if offset > 0 { urlRequest.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range") }
        // Identity encoding: byte ranges must count the file's own bytes.
        urlRequest.setValue("identity", forHTTPHeaderField: "Accept-Encoding")

        let delegate = DownloadDelegate(handle: handle, offset: offset, url: request.url, what: what, progress: progress)
        let configuration = URLSessionConfiguration.default
        configuration.timeoutIntervalForRequest = idleTimeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let task = session.dataTask(with: urlRequest)
        let startedAt: Int64 = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                delegate.start(continuation)
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
        let size = ((try? fm.attributesOfItem(atPath: partPath)[.size]) as? NSNumber)?.int64Value ?? 0
        return DownloadAttempt(bytesOnDisk: size, startedAt: startedAt, requestedRange: offset > 0)
    }
}

/// Streams one response body into the part file (URLSession delegate; state behind a mutex).
private final class DownloadDelegate: NSObject, URLSessionDataDelegate, Sendable {
    private struct State {
        var handle: FileHandle?
        var continuation: CheckedContinuation<Int64, any Error>?
        /// Where the response body starts in the file.
        var startedAt: Int64 = 0
        var written: Int64 = 0
        var total: Int64?
        var failure: HubError?
        /// A 416: nothing to receive, the task is cancelled on purpose.
        var nothingToSend = false
        var lastProgress: Int64 = -1
    }

    private let state: Mutex<State>
    private let offset: Int64
    private let url: URL
    private let what: String
    private let progress: @Sendable (Int64, Int64?) -> Void

    init(handle: FileHandle, offset: Int64, url: URL, what: String, progress: @escaping @Sendable (Int64, Int64?) -> Void) {
        self.state = Mutex(State(handle: handle))
        self.offset = offset
        self.url = url
        self.what = what
        self.progress = progress
    }

    func start(_ continuation: CheckedContinuation<Int64, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        let http = response as? HTTPURLResponse
        let status = http?.statusCode ?? 0
        let decision: Result<Int64, HubError>
        switch status {
        case 206:
            // Content-Range: bytes START-END/TOTAL
            let range = http?.value(forHTTPHeaderField: "Content-Range") ?? ""
            let numbers = range.split(whereSeparator: { !$0.isNumber }).compactMap { Int64($0) }
            if numbers.first == offset {
                decision = .success(offset)
                state.withLock { $0.total = numbers.count >= 3 ? numbers[2] : nil }
            } else {
                decision = .failure(HubError(.badResponse, "\(url.absoluteString) answered range '\(range)' to a request for bytes \(offset)-"))
            }
        case 200:
            let length = response.expectedContentLength
            state.withLock { $0.total = length >= 0 ? length : nil }
            decision = .success(0)
        case 416:
            // Nothing left to send: the part file already holds the whole file (the caller checks the size).
            decision = .success(offset)
        default:
            do {
                try HubHTTP.check(status: status, url: url, what: what, authHint: "set HF_TOKEN if the repository is gated or private")
                decision = .failure(HubError(.badResponse, "unexpected HTTP \(status) from \(url.absoluteString)"))
            } catch let error as HubError {
                decision = .failure(error)
            } catch {
                decision = .failure(HubError(.network, "HTTP \(status) from \(url.absoluteString)"))
            }
        }
        let proceed: Bool = state.withLock { s in
            switch decision {
            case .success(let start):
                do {
                    try s.handle?.truncate(atOffset: UInt64(start))
                    try s.handle?.seek(toOffset: UInt64(start))
                    s.startedAt = start
                    s.written = start
                    s.nothingToSend = status == 416
                    return status != 416
                } catch {
                    s.failure = HubError(.ioError, "cannot write the download of \(what)", underlying: error)
                    return false
                }
            case .failure(let error):
                s.failure = error
                return false
            }
        }
        completionHandler(proceed ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let report: (Int64, Int64?)? = state.withLock { s in
            guard s.failure == nil, let handle = s.handle else { return nil }
            do {
                try handle.write(contentsOf: data)
            } catch {
                s.failure = HubError(.ioError, "cannot write the download of \(what); is the disk full?", underlying: error)
                dataTask.cancel()
                return nil
            }
            s.written += Int64(data.count)
            // Report about every 256 KiB.
            guard s.written - s.lastProgress >= 1 << 18 else { return nil }
            s.lastProgress = s.written
            return (s.written, s.total)
        }
        if let report { progress(report.0, report.1) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        // Keep the token on the hub: a redirect to another host (a CDN) gets no Authorization header.
        var next = request
        if request.url?.host != url.host { next.setValue(nil, forHTTPHeaderField: "Authorization") }
        completionHandler(next)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, result): (CheckedContinuation<Int64, any Error>?, Result<Int64, HubError>) = state.withLock { s in
            try? s.handle?.synchronize()
            try? s.handle?.close()
            s.handle = nil
            let c = s.continuation
            s.continuation = nil
            if let failure = s.failure { return (c, .failure(failure)) }
            if s.nothingToSend { return (c, .success(s.startedAt)) }
            if let error {
                return (c, .failure(HubError(.network, "the download of \(what) broke after \(s.written) bytes: \(error.localizedDescription)")))
            }
            if let total = s.total, s.written < total {
                return (c, .failure(HubError(.network, "the download of \(what) ended after \(s.written) of \(total) bytes")))
            }
            return (c, .success(s.startedAt))
        }
        let written = state.withLock { $0.written }
        progress(written, state.withLock { $0.total })
        continuation?.resume(with: result.mapError { $0 as any Error })
    }
}
