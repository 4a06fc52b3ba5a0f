import CPNJSON
import Foundation

/// Which reply mode a session asks for, and what it does when a server refuses one.
///
/// Servers differ: OpenAI and vLLM accept `json_schema`; llama-cpp-python 0.3.36's
/// `llama_cpp.server` answers it with HTTP 500 ("Input should be 'text' or 'json_object'")
/// but takes `json_object`; an older gateway may refuse both. The session starts with the
/// first mode its provider offers (`LLMProvider.structuredReplyModes`), and each refusal
/// (see `isRefusal`) moves it to the next one for the same round, without spending a
/// repair round; the mode reached is kept for the rest of the session, so no later round
/// asks for a mode already refused. `fenced_yaml` is the end of the line: nothing is
/// constrained, so nothing can be refused.
///
/// ```swift
/// var negotiation = StructuredReplyNegotiation(modes: provider.structuredReplyModes)
/// // json_schema refused with HTTP 500 → negotiation.fallBack(from: .jsonSchema) == .jsonObject
/// ```
public struct StructuredReplyNegotiation: Sendable {
    /// The modes still allowed, best first; never empty.
    public private(set) var modes: [StructuredReplyMode]
    /// What each refusal was: the mode and the provider's words, for the record.
    public private(set) var refusals: [(mode: StructuredReplyMode, reason: String)] = []

    /// `modes` in order of preference; `fenced_yaml` is added at the end when missing.
    /// `structured: false` (`--no-structured`) keeps only `fenced_yaml`.
    public init(modes: [StructuredReplyMode], structured: Bool = true) {
        var allowed = structured ? modes.filter { $0 != .fencedYAML } : []
        allowed.append(.fencedYAML)
        self.modes = allowed
    }

    /// The mode the next request uses.
    public var current: StructuredReplyMode { modes[0] }

    /// After `mode` was refused: drops it (and anything before it) and returns the mode to
    /// ask for next, or nil when there is none (the refusal is then an ordinary error).
    public mutating func fallBack(from mode: StructuredReplyMode, reason: String) -> StructuredReplyMode? {
        guard mode != .fencedYAML, let index = modes.firstIndex(of: mode), index + 1 < modes.count else { return nil }
        refusals.append((mode, reason))
        modes.removeFirst(index + 1)
        return modes[0]
    }

    /// A reply arrived in `mode` (a replayed one says which mode was recorded): later
    /// requests keep to it rather than try a better one again.
    public mutating func settle(on mode: StructuredReplyMode) {
        if let index = modes.firstIndex(of: mode) { modes.removeFirst(index) }
    }

    /// Whether an HTTP error answer to a request made in `mode` is the server refusing the
    /// mode rather than failing: HTTP 400, 422 or 500 (llama-cpp-python) whose body names
    /// what was asked for (`response_format`, `json_schema`, `json_object`; `tools`,
    /// `tool_choice`, `input_schema` for the tool mode), or whose error type or code says
    /// "unsupported". Nothing is a refusal of `fenced_yaml`, which asks for nothing.
    public static func isRefusal(status: Int, body: Data, mode: StructuredReplyMode) -> Bool {
        guard mode != .fencedYAML, [400, 422, 500].contains(status) else { return false }
        let text = String(decoding: body.prefix(64 << 10), as: UTF8.self).lowercased()
        let named = mode == .tool ? ["tool_choice", "tools", "input_schema", "tool use", "tool_use"]
                                  : ["response_format", "json_schema", "json schema", "json_object", "structured output"]
        if named.contains(where: text.contains) { return true }
        let json = JSONValue.parse(body)
        let type = (json.flatMap(ErrorBody.type(in:)) ?? "").lowercased()
        return type.contains("unsupported") || type.contains("not_supported") || type.contains("not_implemented")
    }
}
