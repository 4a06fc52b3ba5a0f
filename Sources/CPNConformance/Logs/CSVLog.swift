import CPNJSON

/// CSV (RFC 4180): a header row naming the columns, then one event a row;
/// fields may be quoted (`"a, b"`, `""` for a quote) and a quoted field may
/// span lines. Every field is a string attribute named by its column. The
/// event's name is the `concept:name`, `event`, `activity` or `transition`
/// column; the case is `case:concept:name`, `case_id` or `case` (a mapping
/// overrides both).
public final class CSVLog: LogEventSource {
    static let nameColumns = ["concept:name", "event", "activity", "transition"]
    public static let maximumColumns = 1_000

    private let file: ChunkedFile
    private let delimiter: UInt8
    private var header: [String] = []

    public init(path: String, delimiter: UInt8 = UInt8(ascii: ",")) throws(LogReadError) {
        file = try ChunkedFile(path: path)
        self.delimiter = delimiter
        guard let first = try record() else {
            throw LogReadError(file: path, line: 1, "the CSV log is empty", help: "the first row names the columns", recoverable: false)
        }
        header = first.fields
        if Set(header).count != header.count {
            let dup = header.first { h in header.filter { $0 == h }.count > 1 } ?? ""
            throw LogReadError(file: path, line: 1, "the column `\(dup)` appears twice in the header", recoverable: false)
        }
    }

    public var columns: [String] { header }

    public func next() throws(LogReadError) -> LogEvent? {
        while true {
            guard let r = try record() else { return nil }
            if r.fields == [""] { continue }
            guard r.fields.count == header.count else {
                throw LogReadError(file: file.path, line: r.line, "the row has \(r.fields.count) fields, the header \(header.count)",
                                   help: "quote a field that holds the delimiter: \"a, b\"")
            }
            var attributes: [String: JSONValue] = [:]
            for (k, v) in zip(header, r.fields) { attributes[k] = .string(v) }
            let name = Self.nameColumns.lazy.compactMap { attributes[$0]?.string }.first
            return LogEvent(name: name, attributes: attributes, line: r.line)
        }
    }

    /// One record: lines are joined while a quoted field is open.
    private func record() throws(LogReadError) -> (fields: [String], line: Int)? {
        let start = file.lineNumber
        guard var line = try file.nextLine() else { return nil }
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false, wasQuoted = false
        var i = 0
        func finish() throws(LogReadError) {
            guard let s = String(validating: field, as: UTF8.self) else {
                throw LogReadError(file: file.path, line: start, "field \(fields.count + 1) is not valid UTF-8")
            }
            fields.append(s)
            field = []
            wasQuoted = false
            if fields.count > Self.maximumColumns {
                throw LogReadError(file: file.path, line: start, "the row has more than \(Self.maximumColumns) fields")
            }
        }
        while true {
            if i == line.count {
                if quoted {
                    // A newline inside quotes belongs to the field.
                    guard let more = try file.nextLine() else {
                        throw LogReadError(file: file.path, line: start, "a quoted field is not closed before the end of the file",
                                           help: "close it with \"", recoverable: false)
                    }
                    if field.count + more.count > ChunkedFile.maximumLineBytes {
                        throw LogReadError(file: file.path, line: start, "a quoted field is longer than 1 MiB", recoverable: false)
                    }
                    field.append(0x0A)
                    line = more
                    i = 0
                    continue
                }
                try finish()
                return (fields, start)
            }
            let b = line[i]
            if quoted {
                if b == 0x22 {
                    if i + 1 < line.count, line[i + 1] == 0x22 { field.append(0x22); i += 2; continue }
                    quoted = false
                    wasQuoted = true
                } else {
                    field.append(b)
                }
            } else if b == delimiter {
                try finish()
            } else if b == 0x22 && field.isEmpty && !wasQuoted {
                quoted = true
            } else if wasQuoted {
                throw LogReadError(file: file.path, line: start, column: i + 1, "text after a closing quote in field \(fields.count + 1)",
                                   help: "write a quote inside a quoted field as \"\"")
            } else {
                field.append(b)
            }
            i += 1
        }
    }
}
