import Foundation

/// When and how long to wait before trying a failed request again.
///
/// Only errors marked `isRetryable` are retried: HTTP 429, 500, 502, 503, 504 and 529,
/// connection failures, broken connections and timeouts. The wait before retry `n`
/// (n = 1, 2, …) is the server's `Retry-After` when it sent one, otherwise "full
/// jitter": a uniform random time in `0 ..< min(maxDelay, baseDelay · 2^(n-1))`. A
/// `Retry-After` longer than `maxRetryAfter` is not waited out: the error is thrown.
/// `sleep` and `random` are injectable so tests run instantly and deterministically.
///
/// ```swift
/// var policy = RetryPolicy(maxAttempts: 3)
/// policy.sleep = { seconds, _ in print("waiting \(seconds) s") }
/// let value = try policy.run { attempt in try fetch() }
/// ```
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first one included; 1 means never retry.
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// The longest `Retry-After` (seconds) the policy agrees to wait.
    public var maxRetryAfter: Double
    /// Waits the given seconds; the default returns early when the flag is raised.
    public var sleep: @Sendable (_ seconds: Double, _ cancellation: CancellationFlag?) -> Void
    /// A uniform random number in 0 ..< 1.
    public var random: @Sendable () -> Double

    public init(maxAttempts: Int = 4, baseDelay: Double = 1, maxDelay: Double = 20, maxRetryAfter: Double = 60,
                sleep: @escaping @Sendable (Double, CancellationFlag?) -> Void = RetryPolicy.realSleep,
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.sleep = sleep
        self.random = random
    }

    /// One attempt, no retries.
    public static var never: RetryPolicy { RetryPolicy(maxAttempts: 1) }

    /// Sleeps for real, waking early when `cancellation` is raised.
    public static let realSleep: @Sendable (Double, CancellationFlag?) -> Void = { seconds, cancellation in
        if let cancellation {
            cancellation.wait(seconds: seconds)
        } else if seconds > 0 {
            Thread.sleep(forTimeInterval: seconds)
        }
    }

    /// The wait before retry number `retry` (1 for the first retry).
    public func delay(beforeRetry retry: Int, retryAfter: Double?) -> Double {
        if let retryAfter { return max(0, retryAfter) }
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(max(0, retry - 1))))
        return max(0, min(1, random())) * ceiling
    }

    /// What the policy tells its observer before each wait.
    public struct Notice: Sendable {
        /// The attempt that just failed (1 for the first).
        public var failedAttempt: Int
        public var maxAttempts: Int
        /// Seconds until the next attempt.
        public var delay: Double
        public var error: LLMError
    }

    /// Runs `attempt` (given its number, from 1) until it succeeds, fails with an error
    /// that is not retryable, or `maxAttempts` are used up. The error finally thrown
    /// carries the number of attempts made.
    public func run<T>(cancellation: CancellationFlag? = nil, onRetry: (Notice) -> Void = { _ in },
                       _ attempt: (Int) throws -> T) throws -> T {
        var number = 1
        while true {
            do {
                return try attempt(number)
            } catch var error as LLMError {
                error.attempts = number
                guard error.isRetryable, number < maxAttempts, cancellation?.isCancelled != true else { throw error }
                if let asked = error.retryAfter, asked > maxRetryAfter {
                    error.message += "; the server asks to wait \(HTTPClient.seconds(asked.rounded(.up))) before trying again"
                    error.hint = "try again later (waits longer than \(HTTPClient.seconds(maxRetryAfter)) are not made automatically)"
                    throw error
                }
                let wait = delay(beforeRetry: number, retryAfter: error.retryAfter)
                onRetry(Notice(failedAttempt: number, maxAttempts: maxAttempts, delay: wait, error: error))
                sleep(wait, cancellation)
                if cancellation?.isCancelled == true {
                    throw LLMError(.cancelled, "cancelled while waiting to retry", attempts: number)
                }
                number += 1
            }
        }
    }
}
