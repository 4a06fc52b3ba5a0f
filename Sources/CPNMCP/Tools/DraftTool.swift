import CPNDraft
import CPNJSON
import CPNWorkflow
import Foundation
import MCP

/// `draft`: the check → verify → repair loop of `cpn-author draft`, with the
/// client's own model (MCP sampling) instead of an API key. Listed only when
/// the client offers sampling.
struct DraftTool: CPNTool {
    let name = "draft"
    let title = "Draft a verified net with your model"
    let description = """
        Draft a colored Petri net from plain-language requirements with the client's model (MCP sampling): \
        each reply is checked and verified; a failing net goes back to the model with the diagnostics or \
        the shortest counterexample, up to `max_rounds` times. Returns the first net that passes (or the \
        last attempt) with every round's outcome. Without sampling, draft yourself from the `draft` prompt \
        and call `verify`.
        """
    var arguments: [(String, JSONSchemaText)] {
        [
            ("requirements", .init(##"{"type": "string", "description": "What the coordination must do, in plain language (a requirements.md)."}"##)),
            ("max_rounds", .init(##"{"type": "integer", "minimum": 1, "maximum": 10, "default": 4}"##)),
            ("max_states", .init(##"{"type": "integer", "minimum": 1, "maximum": 5000000, "default": 200000, "description": "State bound of each round's verify; a bounded round fails."}"##)),
            ("max_tokens", .init(##"{"type": "integer", "minimum": 256, "maximum": 200000, "default": 8000, "description": "Most tokens the model may write per reply."}"##)),
            ("output", .init(##"{"type": "string", "description": "Write the net that passed to this file inside the roots (atomically); nothing is written otherwise."}"##)),
        ]
    }
    let required = ["requirements"]
    let readOnly = false
    let output = OutputSchema([
        ("verdict", .init(##"{"enum": ["pass", "failed"], "description": "pass: the last round's net checks and every property holds."}"##)),
        ("net", .init(##"{"type": "string", "description": "The net that passed, else the last round's net (absent when no reply held one)."}"##)),
        ("rounds", .init(##"{"type": "array", "items": {"type": "object", "required": ["round", "outcome"], "additionalProperties": false, "properties": {"round": {"type": "integer"}, "outcome": {"type": "string"}, "passed": {"type": "boolean"}}}}"##)),
        ("report", .init(##"{"type": "string", "description": "The last round's verify report or diagnostics."}"##)),
        ("written", .init(##"{"type": "string"}"##)),
        ("clarifications", .init(##"{"type": "array", "description": "Choices the requirements left open, asked of the user by elicitation before the first round, with the answers (absent: declined).", "items": {"type": "object", "required": ["question"], "additionalProperties": false, "properties": {"question": {"type": "string"}, "answer": {}}}}"##)),
    ], required: ["verdict", "rounds"])

    func call(_ a: ToolArguments, _ context: ToolContext) async throws -> ToolOutcome {
        guard let sample = context.sample else {
            throw ToolMisuse("this client does not offer sampling; draft with your own model from the `draft` prompt, then call `verify`")
        }
        let requirements = try a.requiredString("requirements")
        guard requirements.utf8.count <= 1 << 20 else { throw ToolMisuse("`requirements` is larger than 1 MiB") }
        let maxRounds = try a.int("max_rounds", default: 4, in: 1...10)!
        let maxStates = try a.int("max_states", default: 200_000, in: 1...5_000_000)!
        let maxTokens = try a.int("max_tokens", default: 8000, in: 256...200_000)!
        let target: String?
        if let output = try a.string("output") {
            do { target = try context.roots.writable(output) } catch { throw ToolMisuse(error.description) }
        } else {
            target = nil
        }
        // Ask the user, when the client can, what the requirements leave open (before any model round).
        var drafted = requirements
        var clarifications: JSONValue?
        let choices = OpenChoices.find(in: requirements)
        if let elicit = context.elicit, !choices.isEmpty {
            // A client that cannot ask now (an error) is treated as a declined form: the model chooses.
            let answers = try? await elicit("The requirements leave \(choices.count == 1 ? "a choice" : "choices") open that change the net; answer to settle \(choices.count == 1 ? "it" : "them"), or decline to let the model choose.", choices)
            if let answers = answers ?? nil, let extra = OpenChoices.clarification(choices, answers: answers) { drafted += extra }
            clarifications = .array(choices.map { c in .members(("question", .string(c.question)), ("answer", (answers ?? nil)?[c.key])) })
        }
        let prompt = drafted
        let progress = context.progress
        let outcome = try await context.work("draft") { flag -> Result<DraftResult, Error> in
            var gate = NetGate(maxStates: maxStates)
            gate.isCancelled = { flag.isCancelled }
            let session = DraftSession(gate: gate, maxRounds: maxRounds) { event in
                if case .verdict(let round) = event {
                    progress(Double(round.round), Double(maxRounds), "round \(round.round): \(round.outcome.summary)")
                }
            }
            var model = SamplingDraftModel(sample: sample, maxTokens: maxTokens, cancel: flag)
            return Result { try session.draft(requirements: prompt, path: "requirements.md", model: &model) }
        }
        let result: DraftResult
        switch outcome {
        case .success(let r): result = r
        case .failure(let error as SamplingFailure): throw ToolMisuse(error.description)
        case .failure(let error): throw ToolMisuse("drafting stopped: \(error)")
        }
        var written: String?
        if let target, let net = result.net {
            do { try AtomicFile.write(net, to: target) } catch { throw ToolMisuse("cannot write \(target): \(error)") }
            written = try a.string("output")
        }
        let last = result.rounds.last
        let rounds = JSONValue.array(result.rounds.map {
            .members(("round", .int($0.round)), ("outcome", .string($0.outcome.summary)), ("passed", .bool($0.outcome.passed)))
        })
        let lines = result.rounds.map { "round \($0.round): \($0.outcome.summary)" }
        let verdict = result.passed ? "pass" : "failed"
        var text = lines.joined(separator: "\n") + "\n"
        if let net = result.net ?? last?.yaml { text += "\n```yaml\n\(net.hasSuffix("\n") ? net : net + "\n")```\n" }
        if !result.passed, let last { text += "\n" + last.outcome.failureText + "\n" }
        return ToolOutcome(text: text, structured: .members(
            ("verdict", .string(verdict)), ("net", (result.net ?? last?.yaml).map(JSONValue.string)), ("rounds", rounds),
            ("report", last.map { .string($0.outcome.failureText) }), ("written", written.map(JSONValue.string)),
            ("clarifications", clarifications)))
    }
}

/// The drafting loop's model, played by the client's model over MCP sampling.
/// The loop is synchronous and runs on a work thread; each reply waits there
/// for the client's answer.
struct SamplingDraftModel: DraftModel {
    let sample: @Sendable (String, [Sampling.Message], Int) async throws -> String
    let maxTokens: Int
    let cancel: CancelFlag

    mutating func reply(system: String, conversation: [ChatTurn]) throws -> ModelReply {
        if cancel.isCancelled { throw SamplingFailure("cancelled") }
        let messages: [Sampling.Message] = conversation.map {
            $0.role == .user ? .user(.single(.text($0.content))) : .assistant(.single(.text($0.content)))
        }
        let box = ReplyBox()
        let done = DispatchSemaphore(value: 0)
        let sample = self.sample, maxTokens = self.maxTokens
        let request = Task {
            do { box.set(.success(try await sample(system, messages, maxTokens))) } catch { box.set(.failure(error)) }
            done.signal()
        }
        // A cancelled tool call stops waiting for the model (and cancels the request) within 0.2 s.
        while done.wait(timeout: .now() + 0.2) == .timedOut {
            if cancel.isCancelled {
                request.cancel()
                throw SamplingFailure("cancelled")
            }
        }
        switch box.get() {
        case .success(let text): return ModelReply(text: text)
        case .failure(let error as SamplingFailure): throw error
        case .failure(let error): throw SamplingFailure("the client's model could not answer (sampling/createMessage failed: \(error))")
        case nil: throw SamplingFailure("no reply from the client's model")
        }
    }
}

struct SamplingFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private final class ReplyBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Result<String, Error>?
    func set(_ v: Result<String, Error>) { lock.withLock { value = v } }
    func get() -> Result<String, Error>? { lock.withLock { value } }
}
