import CPNDraft
import Foundation
import Testing

/// A model that answers from a script and records what it was asked.
struct ScriptedModel: DraftModel {
    var replies: [String]
    var asked: [[ChatTurn]] = []
    var systems: [String] = []

    mutating func reply(system: String, conversation: [ChatTurn]) throws -> ModelReply {
        systems.append(system)
        asked.append(conversation)
        guard !replies.isEmpty else { throw PromptError("script exhausted") }
        return ModelReply(text: replies.removeFirst(), inputTokens: 100, outputTokens: 50)
    }
}

let goodNet = """
cpn: 1
name: one-lock
places:
  lock: { color: Unit, initial: 1 }
  waiting: { color: Unit, initial: 2 }
  holding: Unit
  done: Unit
transitions:
  acquire: { in: { lock: 1, waiting: 1 }, out: { holding: 1 } }
  release: { in: { holding: 1 }, out: { lock: 1, done: 1 } }
invariants:
  mutual_exclusion: "size(holding) <= 1"
final: "size(done) == 2"

"""

/// The release forgets to give the lock back: a deadlock with one client still waiting.
let leakyNet = goodNet.replacingOccurrences(of: "out: { lock: 1, done: 1 }", with: "out: { done: 1 }")

/// Acquire does not take the lock: two holders at once.
let unsafeNet = goodNet.replacingOccurrences(of: "in: { lock: 1, waiting: 1 }", with: "in: { waiting: 1 }")

@Suite struct DraftSessionTests {
    @Test func brokenYAMLIsRepairedInRoundTwoAndTheRepairQuotesTheError() throws {
        var model = ScriptedModel(replies: [
            "Here it is:\n```yaml\ncpn: 1\nplaces:\n  lock: { color: Lock, initial: 1 }\n```",
            "Fixed:\n```yaml\n\(goodNet)```",
        ])
        let result = try DraftSession().draft(requirements: "one lock, two clients", path: "req.md", model: &model)
        #expect(result.passed)
        #expect(result.rounds.count == 2)
        #expect(result.net == goodNet)
        let repair = try #require(model.asked.last?.last)
        #expect(repair.role == .user)
        #expect(repair.content.contains("error[E0201]") || repair.content.contains("error[E02"), "\(repair.content)")
        #expect(repair.content.contains("round-1.yaml:3:"))
        #expect(repair.content.contains("3 |   lock: { color: Lock, initial: 1 }"))
        // The model saw its own first answer.
        #expect(model.asked.last?.count == 3)
        #expect(result.inputTokens == 200 && result.outputTokens == 100)
    }

    @Test func aViolatedInvariantIsQuotedWithItsShortestTrace() throws {
        var model = ScriptedModel(replies: ["```yaml\n\(unsafeNet)```", "```yaml\n\(goodNet)```"])
        let result = try DraftSession().draft(requirements: "r", path: "req.md", model: &model)
        #expect(result.passed)
        guard case .violated = result.rounds[0].outcome else { Issue.record("round 1 should be violated"); return }
        let repair = try #require(model.asked.last?.last?.content)
        #expect(repair.contains("mutual_exclusion"))
        #expect(repair.contains("acquire"))
        #expect(repair.contains("shortest"))
    }

    @Test func aDeadlockIsCaughtToo() throws {
        var model = ScriptedModel(replies: ["```yaml\n\(leakyNet)```", "```yaml\n\(goodNet)```"])
        let result = try DraftSession().draft(requirements: "r", path: "req.md", model: &model)
        #expect(result.rounds[0].outcome.summary.contains("deadlock"))
        #expect(result.passed)
    }

    @Test func noNetAfterTheLastRoundMeansNoOutput() throws {
        var model = ScriptedModel(replies: ["I cannot do that.", "```yaml\n\(unsafeNet)```", "```yaml\n\(unsafeNet)```"])
        let result = try DraftSession(maxRounds: 3).draft(requirements: "r", path: "req.md", model: &model)
        #expect(!result.passed)
        #expect(result.net == nil)
        #expect(result.rounds.count == 3)
        guard case .noNet = result.rounds[0].outcome else { Issue.record("round 1 had no YAML"); return }
        #expect(model.asked[1].last?.content.contains("no YAML net") == true)
    }

    /// A net that mints tokens is diagnosed unbounded (a violation with its
    /// pump), so even accepting bounds does not pass it.
    @Test func anUnboundedNetFailsTheGate() throws {
        let growing = "cpn: 1\nplaces:\n  a: { color: Unit, initial: 1 }\n  b: Unit\ntransitions:\n  t: { in: { a: 1 }, out: { a: 1, b: 1 } }\n"
        let gate = NetGate(maxStates: 100)
        guard case .violated = gate.evaluate(yaml: growing, path: "g.yaml") else { Issue.record("expected violated"); return }
        #expect(gate.evaluate(yaml: growing, path: "g.yaml").failureText.contains("unbounded"))
        #expect(!NetGate(maxStates: 100, acceptBounded: true).evaluate(yaml: growing, path: "g.yaml").passed)
    }

    /// A large bounded net stops at the bound: it fails the gate unless bounds are accepted.
    @Test func aBoundedExplorationFailsTheGateUnlessBoundsAreAccepted() throws {
        let large = "cpn: 1\nplaces:\n  n: { color: { int: [0, 999] }, initial: [0] }\ntransitions:\n  t: { in: { n: x }, guard: x < 999, out: { n: \"x + 1\" } }\n"
        let gate = NetGate(maxStates: 100)
        guard case .bounded = gate.evaluate(yaml: large, path: "l.yaml") else { Issue.record("expected bounded"); return }
        #expect(gate.evaluate(yaml: large, path: "l.yaml").failureText.contains("too large or infinite"))
        #expect(NetGate(maxStates: 100, acceptBounded: true).evaluate(yaml: large, path: "l.yaml").passed)
    }

    @Test func reviseSendsTheNetAndTheChange() throws {
        var model = ScriptedModel(replies: ["```yaml\n\(goodNet)```"])
        let result = try DraftSession().revise(net: goodNet, change: "add a third client", model: &model)
        #expect(result.passed)
        let opening = try #require(model.asked.first?.first?.content)
        #expect(opening.contains("add a third client"))
        #expect(opening.contains("mutual_exclusion"))
    }
}

@Suite struct YAMLExtractionTests {
    @Test(arguments: [
        ("```yaml\ncpn: 1\nplaces: {}\n```", "cpn: 1\nplaces: {}\n"),
        ("text\n```\ncpn: 1\n```\nmore", "cpn: 1\n"),
        ("```yaml\na: 1\n```\nthen\n```yaml\ncpn: 1\nname: x\n```", "cpn: 1\nname: x\n"),
        ("```yaml\ncpn: 1\nname: x\n```\n```bash\ncpn-author verify net.yaml\n```", "cpn: 1\nname: x\n"),
        ("Sure.\ncpn: 1\nplaces: {}\n", "cpn: 1\nplaces: {}\n"),
        ("~~~yaml\ncpn: 1\n~~~", "cpn: 1\n"),
        ("```yaml\ncpn: 1\nplaces:\n  a: Unit", "cpn: 1\nplaces:\n  a: Unit\n"),
    ])
    func extractsTheNet(reply: String, expected: String) {
        #expect(YAMLExtraction.net(from: reply) == expected)
    }

    @Test func noYAMLGivesNil() {
        #expect(YAMLExtraction.net(from: "I am not sure what you mean.") == nil)
    }
}

@Suite struct PromptLibraryTests {
    @Test func everyEmbeddedPromptRendersWithoutHoles() throws {
        let p = PromptLibrary.embedded
        #expect(try !p.render("system", [:]).contains("{{"))
        #expect(try p.render("draft", ["requirements": "R", "requirements_path": "r.md"]).contains("R"))
        #expect(try p.render("repair", ["round": "1", "failure": "F", "numbered_net": "N"]).contains("F"))
        #expect(try p.render("revise", ["net": "X", "change": "C"]).contains("C"))
        // Bump a version whenever its prompt changes: transcripts record which one was used.
        #expect(PromptLibrary.names.map { p.version(of: $0) } == ["3", "1", "2", "1", "1"])
    }

    @Test func aMissingValueIsRefused() {
        #expect(throws: PromptError.self) { try PromptLibrary.embedded.render("draft", ["requirements": "R"]) }
    }

    @Test func aDirectoryOverridesSomePrompts() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prompts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "<!-- prompt: draft · version 7 -->\nDo it: {{requirements}}".write(to: dir.appendingPathComponent("draft.md"), atomically: true, encoding: .utf8)
        let p = try PromptLibrary.overridden(by: dir.path)
        #expect(p.version(of: "draft") == "7")
        #expect(try p.render("draft", ["requirements": "R"]) == "Do it: R")
        #expect(p.version(of: "system") == "3")
        #expect(throws: PromptError.self) { try PromptLibrary.overridden(by: "/nonexistent") }
    }
}

@Test func numberedLinesAreRightAligned() {
    let text = (1...10).map { "l\($0)" }.joined(separator: "\n") + "\n"
    let n = numbered(text)
    #expect(n.hasPrefix(" 1 | l1\n"))
    #expect(n.hasSuffix("10 | l10"))
}
