import CPNJSON

/// One event of a log, whatever the file format: its name (the activity), the
/// cases it belongs to, and its attributes as JSON values (XES and CSV
/// attributes become strings, numbers and booleans; OCEL's related objects sit
/// under `objects`). `line` is where the event starts in the file, for
/// diagnostics and reports.
public struct LogEvent: Sendable {
    public var name: String?
    /// The case ids the reader itself knows (an XES trace's `concept:name`, an
    /// OCEL event's objects); nil when the mapping's `case:` path decides.
    public var cases: [String]?
    public var attributes: [String: JSONValue]
    public var line: Int
    /// An event, or the end of a case (an XES `</trace>`): the replayer then
    /// finishes the case (final marking, remaining tokens) and forgets its marking.
    public var isCaseEnd = false

    public init(name: String?, cases: [String]? = nil, attributes: [String: JSONValue], line: Int) {
        self.name = name
        self.cases = cases
        self.attributes = attributes
        self.line = line
    }
}

/// The formats `conform` reads.
public enum LogFormat: String, CaseIterable, Sendable {
    case jsonl, csv, xes, ocel

    /// The format a file name suggests (`.jsonl`/`.ndjson`, `.csv`, `.xes`, `.jsonocel`/`.ocel.json`).
    public static func guessed(from path: String) -> LogFormat? {
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonocel") || lower.hasSuffix(".ocel.json") || lower.hasSuffix(".ocel") { return .ocel }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".xes") { return .xes }
        return nil
    }
}

/// A stream of events, read on demand so a large log is never held whole
/// (except OCEL, whose events must be sorted by time; see `OCELLog`).
public protocol LogEventSource: AnyObject {
    /// The next event; nil at the end. A malformed record throws a
    /// `LogReadError`; the reader can go on past it (`--on-bad-line skip`).
    func next() throws(LogReadError) -> LogEvent?
}

/// A log that cannot be read, or one record of it that is malformed:
/// `file:line:column: message`, with a hint.
public struct LogReadError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public var help: String?
    /// Whether reading can go on after this error (a bad line), or the file is unusable.
    public var recoverable: Bool

    public init(file: String, line: Int, column: Int = 1, _ message: String, help: String? = nil, recoverable: Bool = true) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.help = help
        self.recoverable = recoverable
    }

    public var description: String {
        "\(file):\(line):\(column): \(message)" + (help.map { "\n  help: \($0)" } ?? "")
    }
}
