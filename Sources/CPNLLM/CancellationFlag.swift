import Dispatch
import Foundation

/// A flag one thread raises and others check, to stop a request that is under way.
///
/// The HTTP client checks it from libcurl's progress callback (at least once a second,
/// and on every received chunk) and aborts the transfer; the retry loop's waits wake
/// up as soon as it is raised. Once raised it stays raised.
///
/// ```swift
/// let cancel = CancellationFlag()
/// cancel.cancelOnInterrupt()          // Ctrl-C raises it
/// let reply = try provider.complete(request, cancellation: cancel)
/// // Ctrl-C during the request → throws LLMError with kind .cancelled
/// ```
public final class CancellationFlag: @unchecked Sendable {
    // NSCondition guards `raised` and lets `wait(seconds:)` wake early on cancel().
    private let condition = NSCondition()
    private var raised = false
    private var interruptSource: (any DispatchSourceSignal)?

    public init() {}

    deinit {
        interruptSource?.cancel()
    }

    /// Whether `cancel()` has been called.
    public var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return raised
    }

    /// Raises the flag and wakes every thread waiting in `wait(seconds:)`.
    public func cancel() {
        condition.lock()
        raised = true
        condition.broadcast()
        condition.unlock()
    }

    /// Sleeps up to `seconds`, returning early when the flag is raised.
    /// Returns true when the flag was raised.
    @discardableResult
    public func wait(seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: max(0, seconds))
        condition.lock()
        defer { condition.unlock() }
        while !raised {
            if !condition.wait(until: deadline) { break }
        }
        return raised
    }

    /// Raises the flag when the process receives SIGINT (Ctrl-C), instead of dying.
    /// The default SIGINT action is replaced for the life of the process, so the caller
    /// must exit on its own once the cancelled request has returned.
    public func cancelOnInterrupt() {
        condition.lock()
        defer { condition.unlock() }
        guard interruptSource == nil else { return }
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in self?.cancel() }
        source.resume()
        interruptSource = source
    }
}
