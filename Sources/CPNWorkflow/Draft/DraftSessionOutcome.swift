import CPNDraft
import CPNExplore
import CPNLLM
import CPNReport
import Foundation
import CPNDiagnostics

/// What a drafting session came to, and the summary `draft` and `revise` print.
///
/// ```
/// draft: requirements.md → net.yaml
///   round 1  verify failed: invariant polite                      1,204 in, 812 out tokens, 9.8 s
///   round 2  passed: every property holds in all 1,450 reachable states   2,310 in, 790 out tokens, 8.1 s
///   tokens   3,514 in, 1,602 out
///   time     17.9 s with the model, 18.4 s in all
/// verdict: VERIFIED in round 2 of 4; wrote net.yaml
/// transcript: net.draft.jsonl (session 1)
/// ```
public struct DraftSessionOutcome: @unchecked Sendable {
    public let kind: DraftSessionKind
    public let outputPath: String
    public let maxRounds: Int
    public var rounds: [DraftRound] = []
    /// The session's result; nil when an error stopped it.
    public var result: DraftResult?
    public var error: (any Error)?
    public var cancelled = false
    public var transcriptPath: String?
    /// Which session of the transcript file this one is (from 1).
    public var transcriptSession = 1
    /// The provider's settings (never the key), for live sessions.
    public var configuration: String?
    public var replay: ReplayProvider?
    public var seconds: Double = 0
    /// The reply modes servers refused in this session, in order.
    public var refusedReplyModes: [StructuredReplyMode] = []

    /// The reply modes the rounds were made in, each once, in order (`json_schema`, …).
    public var replyModes: [String] {
        rounds.compactMap(\.replyMode).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    /// The net that passed the gate, if one did.
    public var net: String? { error == nil ? result?.net : nil }
    public var passed: Bool { net != nil }
    // The counts come from the provider's replies (or a transcript): add them without trapping.
    public var inputTokens: Int { DraftResult.saturatingSum(rounds.map { $0.inputTokens ?? 0 }) }
    public var outputTokens: Int { DraftResult.saturatingSum(rounds.map { $0.outputTokens ?? 0 }) }
    public var tokensReported: Bool { rounds.contains { $0.inputTokens != nil || $0.outputTokens != nil } }

    /// The exit status: 0 verified, 1 no net passed in the rounds allowed, 2 an error
    /// stopped the session (130 when the user pressed Ctrl-C).
    public var exitStatus: Int32 {
        if cancelled { return 130 }
        if error != nil { return ExitStatus.invalidInput }
        return passed ? ExitStatus.success : ExitStatus.violated
    }

    /// The last exploration, for `--report`.
    public var lastExploration: ExplorationResult? {
        for round in rounds.reversed() {
            switch round.outcome {
            case .passed(let result, _, _), .violated(let result, _), .bounded(let result, _): return result
            case .noNet, .invalid: continue
            }
        }
        return nil
    }

    /// The table of rounds and totals, then (when no net passed) the last round's
    /// diagnostics or counterexample, then the verdict and where the transcript is.
    public func summary(input: String, extraLines: [String] = []) -> String {
        var lines = ["\(kind.rawValue): \(input) → \(outputPath)"]
        let width = rounds.map { $0.outcome.summary.count }.max() ?? 0
        for round in rounds {
            let summary = round.outcome.summary
            var figures: [String] = []
            if round.inputTokens != nil || round.outputTokens != nil {
                figures.append("\(round.inputTokens.map(group) ?? "?") in, \(round.outputTokens.map(group) ?? "?") out tokens")
            }
            figures.append(Self.seconds(round.seconds) + (replay != nil ? " (replayed)" : ""))
            lines.append("  round \(round.round)  " + summary + String(repeating: " ", count: max(0, width - summary.count))
                + "   " + figures.joined(separator: ", "))
        }
        if tokensReported {
            lines.append("  tokens   \(group(inputTokens)) in, \(group(outputTokens)) out" + (replay != nil ? " (as recorded)" : ""))
        }
        let modelSeconds = rounds.reduce(0) { $0 + $1.seconds }
        lines.append("  time     \(Self.seconds(modelSeconds)) waiting for the model, \(Self.seconds(seconds)) in all")
        if !replyModes.isEmpty {
            let refused = refusedReplyModes.isEmpty ? "" : " (refused: " + refusedReplyModes.map(\.rawValue).joined(separator: ", ") + ")"
            lines.append("  replies  " + replyModes.joined(separator: ", ") + refused)
        }
        lines += extraLines

        if !passed, error == nil, let last = rounds.last {
            lines.append("")
            lines.append("the last net was rejected (round-\(last.round).yaml below is round \(last.round)'s reply, kept in the transcript):")
            lines.append(Self.report(for: last.outcome).trimmingCharacters(in: .newlines)
                .split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n"))
            lines.append("")
        }
        lines.append("verdict: " + verdict)
        if let transcriptPath {
            lines.append("transcript: \(transcriptPath) (session \(transcriptSession); every request, reply and verdict)")
        }
        if let replay, !replay.notes.isEmpty {
            lines.append("replayed: \(replay.path), which says: " + replay.notes.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    public var verdict: String {
        if cancelled { return "CANCELLED in round \(rounds.count + 1) of \(maxRounds); nothing written to \(outputPath)" }
        if error != nil {
            return "STOPPED in round \(rounds.count + 1) of \(maxRounds) by the error above; nothing written to \(outputPath)"
        }
        if passed {
            return "VERIFIED in round \(rounds.count) of \(maxRounds); wrote \(outputPath)"
        }
        let last = rounds.last.map { " (last: \($0.outcome.summary))" } ?? ""
        return "NOT VERIFIED after \(rounds.count) round\(rounds.count == 1 ? "" : "s")\(last); nothing written to \(outputPath)"
    }

    /// What the gate said about a rejected net, as a person reads it: the diagnostics
    /// (their line numbers count lines of the round's net, kept in the transcript), or
    /// the verify report with the shortest counterexample.
    public static func report(for outcome: NetGate.Outcome) -> String {
        switch outcome {
        case .noNet: "the reply held no YAML net"
        case .invalid(_, let report): report
        case .violated(_, let report), .bounded(_, let report), .passed(_, let report, _): report
        }
    }

    /// "9.8 s": the one way session times are shown.
    public static func seconds(_ value: Double) -> String {
        String(format: "%.1f s", value)
    }
}
