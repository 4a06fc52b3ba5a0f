@testable import CPNLLM
import Foundation
import Testing

@Suite struct RetryPolicyTests {
    @Test func fullJitterGrowsExponentiallyUpToTheCap() {
        let policy = RetryPolicy(baseDelay: 0.5, maxDelay: 3, random: { 0.999 })
        let delays = (1...6).map { policy.delay(beforeRetry: $0, retryAfter: nil) }
        let ceilings = [0.5, 1, 2, 3, 3, 3]
        for (delay, ceiling) in zip(delays, ceilings) {
            #expect(abs(delay - 0.999 * ceiling) < 1e-9)
        }
        #expect(RetryPolicy(random: { 0 }).delay(beforeRetry: 4, retryAfter: nil) == 0)
        #expect(policy.delay(beforeRetry: 1, retryAfter: 12) == 12)
    }

    @Test func retryAfterForms() {
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryAfter.seconds(from: "120") == 120)
        #expect(RetryAfter.seconds(from: " 2 ") == 2)
        #expect(RetryAfter.seconds(from: "Wed, 21 Oct 2015 07:28:30 GMT", now: now) == 30)
        #expect(RetryAfter.seconds(from: "Wednesday, 21-Oct-15 07:29:00 GMT", now: now) == 60)
        #expect(RetryAfter.seconds(from: "Wed Oct 21 07:28:10 2015", now: now) == 10)
        #expect(RetryAfter.seconds(from: "Wed, 21 Oct 2015 07:00:00 GMT", now: now) == 0)
        #expect(RetryAfter.seconds(from: "soon") == nil)
        #expect(RetryAfter.seconds(from: "-3") == nil)
        #expect(RetryAfter.seconds(in: [HTTPHeader("Retry-After-Ms", "250"), HTTPHeader("Retry-After", "4")]) == 0.25)
    }

    @Test func runStopsAtTheFirstNonRetryableError() {
        let sleeps = SleepRecorder()
        var calls = 0
        let error = llmError {
            _ = try sleeps.policy().run { _ in
                calls += 1
                throw LLMError(calls < 2 ? .connectionLost : .http(status: 400), "attempt \(calls)",
                               retryable: calls < 2)
            }
        }
        #expect(calls == 2)
        #expect(error?.attempts == 2)
        #expect(error?.summary == "attempt 2 (gave up after 2 attempts)")
        #expect(sleeps.delays == [0.5])
    }

    @Test func otherErrorsPassThroughUntouched() {
        struct Other: Error {}
        var calls = 0
        #expect(throws: Other.self) {
            try SleepRecorder().policy().run { _ in
                calls += 1
                throw Other()
            }
        }
        #expect(calls == 1)
    }

    @Test func cancellationDuringTheWaitEndsTheLoop() {
        let flag = CancellationFlag()
        let policy = RetryPolicy(maxAttempts: 5, sleep: { _, cancellation in cancellation?.cancel() }, random: { 0 })
        var calls = 0
        let error = llmError {
            _ = try policy.run(cancellation: flag) { _ in
                calls += 1
                throw LLMError(.timedOut, "slow", retryable: true)
            }
        }
        #expect(error?.kind == .cancelled)
        #expect(calls == 1)
    }

    /// An hour's sleep, cancelled after 0.1 s: only waking on the cancel returns
    /// before the hang guard gives up.
    @Test func theRealSleepWakesOnCancel() {
        let flag = CancellationFlag()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { flag.cancel() }
        let woke = hangGuard("an hour's sleep cancelled after 0.1 s") { RetryPolicy.realSleep(3600, flag); return true }
        #expect(woke == true)
        #expect(flag.isCancelled)
    }
}
