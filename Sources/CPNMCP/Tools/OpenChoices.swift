import CPNJSON
import Foundation

/// Choices a requirements text leaves open that change the net a model
/// writes, found by reading it sentence by sentence: a retry with no number
/// anywhere near it (how many?), an "eventually" that does not say from where
/// (from every reachable state, or on every run?). When the client offers
/// elicitation, `draft` asks the user these before the first round and adds
/// the answers to the requirements; otherwise the model decides, as with the CLI.
struct OpenChoice: Sendable, Equatable {
    /// The property name in the elicitation form.
    let key: String
    let question: String
    /// The JSON Schema of the answer (a primitive, as elicitation requires).
    let schema: JSONValue
}

enum OpenChoices {
    static func find(in requirements: String) -> [OpenChoice] {
        let sentences = requirements.lowercased()
            .split(whereSeparator: { ".!?;\n".contains($0) })
            .map(String.init)
        var found: [OpenChoice] = []
        if sentences.contains(where: { $0.contains("retr") && !mentionsANumber($0) }) {
            found.append(OpenChoice(
                key: "max_retries",
                question: "How many times may a failed attempt be retried before it is given up?",
                schema: .members(("type", "integer"), ("minimum", 0), ("maximum", 10), ("title", "Retries before giving up"))))
        }
        let settled = ["any state", "every state", "any reachable", "every run", "whatever", "always", "from anywhere"]
        if sentences.contains(where: { s in s.contains("eventually") && !settled.contains(where: s.contains) }) {
            found.append(OpenChoice(
                key: "eventually",
                question: "\"Eventually\": must it hold on every run (nothing can postpone it forever), or only stay reachable from every state (the system can always still get there)?",
                schema: .members(("type", "string"), ("title", "What \"eventually\" means"),
                                 ("enum", .array([.string(everyRun), .string(alwaysReachable)])))))
        }
        return found
    }

    static let everyRun = "on every run"
    static let alwaysReachable = "reachable from every state"

    /// The answers as a paragraph the draft prompt's requirements end with.
    static func clarification(_ choices: [OpenChoice], answers: [String: JSONValue]) -> String? {
        let lines = choices.compactMap { c -> String? in
            guard let answer = answers[c.key], !answer.isNull else { return nil }
            return "- \(c.question) \(answer.string ?? answer.rendered)"
        }
        guard !lines.isEmpty else { return nil }
        return "\n\nAnswers from the user to choices the requirements left open:\n" + lines.joined(separator: "\n") + "\n"
    }

    private static func mentionsANumber(_ sentence: String) -> Bool {
        if sentence.contains(where: \.isNumber) { return true }
        let words = ["once", "twice", "thrice", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                     "never", "forever", "unlimited", "indefinitely", "max_", "limit"]
        let tokens = sentence.split(whereSeparator: { !$0.isLetter && $0 != "_" }).map(String.init)
        return tokens.contains { token in words.contains { token == $0 || ($0.hasSuffix("_") && token.hasPrefix($0)) } }
    }
}

extension JSONValue {
    /// An object with `description` set (added last, or replaced).
    func merging(description: String) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members.removeAll { $0.0 == "description" }
        members.append(("description", .string(description)))
        return .object(members)
    }
}
