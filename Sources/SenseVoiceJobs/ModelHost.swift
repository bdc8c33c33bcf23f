// The loaded model and its inference pool, shared by the HTTP routes and the job workers.

public import SenseVoiceEngine
import Synchronization

/// Holds the inference pool once the model is loaded; readiness for `/ready` and the workers.
///
/// The server starts listening before the model is loaded (so `/health` answers and `/ready`
/// says 503 while loading); routes that need the model ask ``pool`` and answer 503 while it is
/// `nil`.
public final class ModelHost: Sendable {
    /// Where loading stands.
    public enum Status: Sendable {
        case loading
        case ready(InferencePool)
        case failed(SenseVoiceError)
    }

    private let state = Mutex<Status>(.loading)

    public init() {}

    /// A host that is ready at once (tests, embedding).
    public convenience init(pool: InferencePool) {
        self.init()
        setReady(pool)
    }

    public var status: Status { state.withLock { $0 } }

    /// The pool when ready, else `nil`.
    public var pool: InferencePool? {
        if case .ready(let pool) = status { return pool }
        return nil
    }

    /// Marks the model loaded.
    public func setReady(_ pool: InferencePool) { state.withLock { $0 = .ready(pool) } }

    /// Marks loading failed (the server then exits).
    public func setFailed(_ error: SenseVoiceError) { state.withLock { $0 = .failed(error) } }

    /// Waits until the model is loaded.
    /// - Throws: the loading error, or `CancellationError` when the waiting task is cancelled.
    public func waitUntilReady() async throws -> InferencePool {
        while true {
            switch status {
            case .ready(let pool): return pool
            case .failed(let error): throw error
            case .loading: try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}
