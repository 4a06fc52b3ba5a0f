import CPNJSON
import Foundation
import MCP

/// Our JSON (ordered, printed by one escaping printer) and the SDK's `Value`
/// (unordered, Codable) meet here and nowhere else.
extension JSONValue {
    /// The SDK value; object order is lost, which JSON allows.
    var mcpValue: MCP.Value {
        switch self {
        case .null: .null
        case .bool(let b): .bool(b)
        case .int(let i): .int(i)
        case .double(let d): .double(d)
        case .string(let s): .string(s)
        case .array(let items): .array(items.map(\.mcpValue))
        case .object(let members):
            .object(Dictionary(members.map { ($0.0, $0.1.mcpValue) }, uniquingKeysWith: { _, last in last }))
        }
    }

    /// Our value of an SDK value. The SDK decodes a string that looks like a
    /// `data:` URL as `.data`; it is the client's string all the same, so it
    /// comes back as the string it was.
    init(_ value: MCP.Value) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .data(let mimeType, let data):
            self = .string("data:\(mimeType ?? "text/plain");base64,\(data.base64EncodedString())")
        case .array(let items): self = .array(items.map(JSONValue.init))
        case .object(let members):
            self = .object(members.sorted { $0.key < $1.key }.map { ($0.key, JSONValue($0.value)) })
        }
    }
}
