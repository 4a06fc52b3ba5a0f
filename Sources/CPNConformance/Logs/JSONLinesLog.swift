import CPNJSON

/// JSON Lines: one JSON object a line (blank lines are skipped), the format
/// of `cpn-author log export` and of most structured application logs. The
/// event's name is its `event` field, else `transition`, `activity`,
/// `concept:name` or `type` (a mapping's `event:` path overrides this).
public final class JSONLinesLog: LogEventSource {
    static let nameFields = ["event", "transition", "activity", "concept:name", "type"]

    private let file: ChunkedFile

    public init(path: String) throws(LogReadError) { file = try ChunkedFile(path: path) }

    public func next() throws(LogReadError) -> LogEvent? {
        while true {
            let number = file.lineNumber
            guard let bytes = try file.nextLine() else { return nil }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw LogReadError(file: file.path, line: number, "the line is not valid UTF-8")
            }
            guard let value = JSONValue.parse(text) else {
                throw LogReadError(file: file.path, line: number, "the line is not valid JSON",
                                   help: "JSON Lines has one complete JSON object on each line")
            }
            guard let members = value.object else {
                throw LogReadError(file: file.path, line: number, "the line is JSON but not an object",
                                   help: "each line must be one event, as a JSON object")
            }
            var attributes: [String: JSONValue] = [:]
            for (k, v) in members where attributes[k] == nil { attributes[k] = v }
            let name = Self.nameFields.lazy.compactMap { attributes[$0]?.string }.first
            return LogEvent(name: name, attributes: attributes, line: number)
        }
    }
}
