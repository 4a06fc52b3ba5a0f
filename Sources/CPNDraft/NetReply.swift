import CPNJSON
import Foundation

/// Finds the net in a model's reply, whatever form the reply took.
///
/// A reply asked for as JSON (`ModelReply.Format.json`) is read as a JSON net and written
/// as YAML (`JSONNetYAML`); the text may also be a JSON net inside a fenced block (some
/// servers under `json_object` still fence it). A server that ignored the request and
/// answered in prose with a fenced YAML block is read as YAML (`YAMLExtraction`), so such
/// a reply costs nothing more than it did before. JSON cut short (a token limit) is handed
/// to the checker as it is: YAML reads JSON, so its error points at where the text breaks.
public enum NetReply {
    /// The YAML text the gate checks, or nil when the reply holds no net at all.
    public static func net(in reply: ModelReply, round: Int) -> String? {
        guard reply.format == .json else { return YAMLExtraction.net(from: reply.text) }
        let header = ["Written by cpn-author from the model's JSON reply (reply mode \(reply.mode ?? "json"), round \(round)), as canonical YAML."]
        if let json = jsonNet(in: reply.text) { return JSONNetYAML.yaml(from: json, header: header) }
        if let yaml = YAMLExtraction.net(from: reply.text) { return yaml }
        let trimmed = reply.text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.hasPrefix("{") ? trimmed + "\n" : nil
    }

    /// The reply as JSON, or the last fenced block that is JSON.
    static func jsonNet(in text: String) -> JSONValue? {
        if let whole = JSONValue.parse(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return whole }
        return YAMLExtraction.fencedBlocks(text).reversed().lazy.compactMap {
            JSONValue.parse($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }.first
    }
}
