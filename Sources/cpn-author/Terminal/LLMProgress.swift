import CPNDraft
import CPNLLM
import CPNReport
import Foundation
import CPNWorkflow

/// What a drafting session says on stderr while it runs: one line per event (asking,
/// reply received, retry, verdict) and, on a terminal, a live line while a streamed
/// reply arrives: round, tokens received so far, seconds elapsed.
///
/// ```
/// round 1: asking openai gpt-4.1 …
///   round 1: ~412 tokens, 6.3 s                 ← redrawn in place on a terminal
/// round 1: reply received: 1,873 characters, 640 tokens, 9.8 s
/// round 1: verify failed: invariant polite
///     verify round-1.yaml (net `polite-scraper`)     ← what the gate said, as the model gets it
///     ...
/// ```
final class LLMProgress: DraftSessionObserver {
    /// Whether stderr is a terminal, where the live line is redrawn in place.
    let live: Bool
    /// Whether the replies come from a transcript (their times are the recorded ones).
    let replaying: Bool
    private let modelName: String
    private let clock = ContinuousClock()
    private var lastDraw: ContinuousClock.Instant?
    private var lineShown = false

    init(modelName: String, replaying: Bool, live: Bool = isatty(STDERR_FILENO) == 1) {
        self.modelName = modelName
        self.replaying = replaying
        self.live = live
    }

    /// A whole line on stderr, after clearing the live line if one is shown.
    func say(_ line: String) {
        clearLine()
        FileHandle.standardError.write(Data((TerminalText.inert(line) + "\n").utf8))
    }

    func clearLine() {
        guard lineShown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        lineShown = false
    }

    func asking(round: Int) {
        say("round \(round): \(replaying ? "replaying the recorded reply of" : "asking") \(modelName) …")
    }

    /// A streamed reply grew; redraws the live line at most ten times a second.
    func receiving(round: Int, _ progress: StreamProgress) {
        guard live else { return }
        let now = clock.now
        if let lastDraw, now - lastDraw < .milliseconds(100) { return }
        lastDraw = now
        let line = "\r\u{1B}[2K  round \(round): \(Self.tokens(progress.outputTokens, estimate: progress.deltas)), "
            + DraftSessionOutcome.seconds(progress.elapsed)
        FileHandle.standardError.write(Data(line.utf8))
        lineShown = true
    }

    func retrying(round: Int, _ notice: RetryPolicy.Notice) {
        say("round \(round): \(notice.error.summary)")
        say("round \(round): trying again in \(DraftSessionOutcome.seconds(notice.delay)) (attempt \(notice.failedAttempt + 1) of \(notice.maxAttempts))")
    }

    func received(round: Int, _ completion: Completion) {
        var parts = ["\(group(completion.text.count)) characters"]
        if let output = completion.usage.output { parts.append("\(group(output)) tokens") }
        parts.append(replaying ? "\(DraftSessionOutcome.seconds(completion.seconds)) when recorded" : DraftSessionOutcome.seconds(completion.seconds))
        if completion.attempts > 1 { parts.append("\(completion.attempts) attempts") }
        if completion.replyMode.isJSON { parts.append("\(completion.replyMode.rawValue) reply") }
        say("round \(round): reply received: " + parts.joined(separator: ", "))
    }

    /// The round's verdict; for a rejected net, also what the gate said (indented), which
    /// is what the repair prompt quotes to the model.
    func verdict(_ round: DraftRound) {
        say("round \(round.round): \(round.outcome.summary)")
        guard !round.outcome.passed else { return }
        let report = DraftSessionOutcome.report(for: round.outcome).trimmingCharacters(in: .newlines)
        say(report.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n"))
    }

    static func tokens(_ reported: Int?, estimate: Int) -> String {
        if let reported { return "\(group(reported)) token\(reported == 1 ? "" : "s")" }
        return "~\(group(estimate)) token\(estimate == 1 ? "" : "s")"
    }

}
