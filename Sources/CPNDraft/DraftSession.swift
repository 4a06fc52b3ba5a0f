import CPNExplore
import Foundation

/// One message of the conversation with the model.
public struct ChatTurn: Sendable, Equatable {
    public enum Role: String, Sendable { case user, assistant }
    public var role: Role
    public var content: String
    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// What the model answered, with the usage it reported.
public struct ModelReply: Sendable {
    /// How the text is read: `yaml`, prose with a fenced block; `json`, a JSON net (a
    /// structured reply), written as YAML before the gate.
    public enum Format: Sendable { case yaml, json }

    public var text: String
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var format: Format
    /// The reply mode that produced it (`json_schema`, `tool`, `fenced_yaml`…), for the record.
    public var mode: String?
    public init(text: String, inputTokens: Int? = nil, outputTokens: Int? = nil, format: Format = .yaml, mode: String? = nil) {
        self.text = text
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.format = format
        self.mode = mode
    }
}

/// A language model as the drafting loop sees it: a system prompt and the
/// conversation so far in, one reply out. The CLI adapts the HTTP providers
/// (and the offline transcript replayer) to it; tests script it.
public protocol DraftModel {
    mutating func reply(system: String, conversation: [ChatTurn]) throws -> ModelReply
}

/// What happened in one round, for the summary and the transcript.
public struct DraftRound: Sendable {
    public var round: Int
    public var outcome: NetGate.Outcome
    /// The net as the gate checked it: the reply's YAML, or a JSON reply written as YAML.
    public var yaml: String?
    /// How the reply was asked for and read (see `ModelReply`).
    public var replyFormat: ModelReply.Format = .yaml
    public var replyMode: String?
    public var seconds: Double
    public var inputTokens: Int?
    public var outputTokens: Int?
}

public struct DraftResult: Sendable {
    public var rounds: [DraftRound]
    /// The net that passed, when one did.
    public var net: String? {
        guard let last = rounds.last, last.outcome.passed else { return nil }
        return last.yaml
    }
    public var passed: Bool { net != nil }
    public var inputTokens: Int { Self.saturatingSum(rounds.map { $0.inputTokens ?? 0 }) }
    public var outputTokens: Int { Self.saturatingSum(rounds.map { $0.outputTokens ?? 0 }) }

    /// Token counts are what a server (or a transcript) says: a sum that would
    /// overflow stops at `Int.max` / `Int.min` instead of trapping.
    public static func saturatingSum(_ counts: [Int]) -> Int {
        counts.reduce(0) { total, n in
            let (sum, overflow) = total.addingReportingOverflow(n)
            return overflow ? (n > 0 ? .max : .min) : sum
        }
    }
}

/// The verifier-in-the-loop: ask for a net, put it through the gate, quote
/// every failure back to the model, and stop at the first net that passes or
/// after `maxRounds`. The model sees the whole conversation, so it can tell
/// what it already tried.
public struct DraftSession {
    public var prompts: PromptLibrary
    public var gate: NetGate
    public var maxRounds: Int
    /// Called as the session goes: before each request and after each verdict.
    public var observe: (Event) -> Void

    public enum Event {
        case request(round: Int, system: String, conversation: [ChatTurn])
        case reply(round: Int, ModelReply, seconds: Double)
        case verdict(DraftRound)
    }

    public init(prompts: PromptLibrary = .embedded, gate: NetGate = NetGate(), maxRounds: Int = 4,
                observe: @escaping (Event) -> Void = { _ in }) {
        self.prompts = prompts
        self.gate = gate
        self.maxRounds = maxRounds
        self.observe = observe
    }

    /// Drafts a net from plain-language requirements.
    public func draft<M: DraftModel>(requirements: String, path: String, model: inout M) throws -> DraftResult {
        let first = try prompts.render("draft", ["requirements": requirements, "requirements_path": path])
        return try loop(opening: first, model: &model)
    }

    /// Revises a verified net according to a change request.
    public func revise<M: DraftModel>(net: String, change: String, model: inout M) throws -> DraftResult {
        let first = try prompts.render("revise", ["net": net.trimmingTrailingWhitespace, "change": change])
        return try loop(opening: first, model: &model)
    }

    private func loop<M: DraftModel>(opening: String, model: inout M) throws -> DraftResult {
        let system = try prompts.render("system", [:])
        var conversation = [ChatTurn(.user, opening)]
        var rounds: [DraftRound] = []
        for round in 1...max(1, maxRounds) {
            observe(.request(round: round, system: system, conversation: conversation))
            let start = Date()
            let reply = try model.reply(system: system, conversation: conversation)
            let seconds = Date().timeIntervalSince(start)
            observe(.reply(round: round, reply, seconds: seconds))
            let yaml = NetReply.net(in: reply, round: round)
            let outcome = gate.evaluate(yaml: yaml, path: "round-\(round).yaml")
            let record = DraftRound(round: round, outcome: outcome, yaml: yaml, replyFormat: reply.format, replyMode: reply.mode,
                                    seconds: seconds, inputTokens: reply.inputTokens, outputTokens: reply.outputTokens)
            rounds.append(record)
            observe(.verdict(record))
            if outcome.passed || round == maxRounds { break }
            conversation.append(ChatTurn(.assistant, reply.text))
            conversation.append(ChatTurn(.user, try prompts.render("repair", [
                "round": String(round),
                "failure": outcome.failureText,
                "numbered_net": yaml.map(numbered) ?? "(none)",
            ])))
        }
        return DraftResult(rounds: rounds)
    }
}
