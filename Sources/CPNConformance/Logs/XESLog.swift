import CPNJSON

/// XES (IEEE 1849-2016), read as a stream: a small scanner of its XML that
/// keeps only the trace and event being read, so memory does not grow with
/// the log. It is bounded against hostile input: a DTD (and with it every
/// entity but the five predefined ones and character references) is refused,
/// elements nest at most `maximumDepth` deep, a tag is at most
/// `maximumTagBytes` long and an attribute value at most `maximumValueBytes`.
///
/// Each event's top-level attributes become its attributes (`string`,
/// `date` and `id` as strings, `int`, `float`, `boolean` as JSON numbers and
/// booleans; `list`/`container` children are skipped); the trace's attributes
/// are copied onto each event with a `case:` prefix, as PM4Py's data frames do.
/// The case is the trace's `concept:name`. `<global>` defaults are not applied.
public final class XESLog: LogEventSource {
    public static let maximumDepth = 64
    public static let maximumTagBytes = 1 << 20
    public static let maximumValueBytes = 1 << 16
    public static let maximumAttributes = 256

    private let file: ChunkedFile
    private var stack: [String] = []
    private var traceAttributes: [String: JSONValue] = [:]
    private var traceName: String?
    private var traceCount = 0
    private var event: (attributes: [String: JSONValue], line: Int)?
    private var sawLog = false

    public init(path: String) throws(LogReadError) { file = try ChunkedFile(path: path) }

    private struct Tag {
        var name: String
        var attributes: [(String, String)]
        var closing: Bool
        var selfClosing: Bool
        var line: Int
        var column: Int
    }

    public func next() throws(LogReadError) -> LogEvent? {
        while let tag = try nextTag() {
            if tag.closing {
                guard let open = stack.popLast(), open == tag.name else {
                    throw fatal(tag, "`</\(tag.name)>` closes \(stack.last.map { "`<\($0)>`" } ?? "nothing")")
                }
                if let done = try closed(tag.name, line: tag.line) { return done }
                continue
            }
            try opened(tag)
            if tag.selfClosing {
                stack.removeLast()
                if let done = try closed(tag.name, line: tag.line) { return done }
            }
        }
        if !stack.isEmpty {
            throw LogReadError(file: file.path, line: file.lineNumber, "the XES log ends inside `<\(stack.last!)>`",
                               help: "the file was cut short?", recoverable: false)
        }
        if !sawLog { throw LogReadError(file: file.path, line: 1, "no `<log>` element: not an XES log", recoverable: false) }
        return nil
    }

    private func fatal(_ tag: Tag, _ message: String, help: String? = nil) -> LogReadError {
        LogReadError(file: file.path, line: tag.line, column: tag.column, message, help: help, recoverable: false)
    }

    private static let attributeKinds: Set<String> = ["string", "date", "int", "float", "boolean", "id", "list", "container"]

    private func opened(_ tag: Tag) throws(LogReadError) {
        let parent = stack.last
        stack.append(tag.name)
        if stack.count > Self.maximumDepth {
            throw fatal(tag, "elements nest more than \(Self.maximumDepth) deep")
        }
        switch (parent, tag.name) {
        case (nil, "log"): sawLog = true
        case (nil, _): throw fatal(tag, "the root element is `<\(tag.name)>`, not `<log>`: not an XES log")
        case ("log", "trace"):
            traceAttributes = [:]
            traceName = nil
            traceCount += 1
        case ("trace", "event"):
            event = ([:], tag.line)
        case ("trace", let kind) where Self.attributeKinds.contains(kind):
            if let (key, value) = try attribute(tag) {
                traceAttributes["case:" + key] = value
                if key == "concept:name", let s = value.string { traceName = s }
            }
        case ("event", let kind) where Self.attributeKinds.contains(kind):
            if let (key, value) = try attribute(tag), event != nil {
                event!.attributes[key] = value
            }
        default: break
        }
    }

    /// An element ended: an event to hand out, or the end of a trace.
    private func closed(_ name: String, line: Int) throws(LogReadError) -> LogEvent? {
        switch (stack.last, name) {
        case ("trace", "event"):
            guard var e = event else { return nil }
            event = nil
            for (k, v) in traceAttributes where e.attributes[k] == nil { e.attributes[k] = v }
            return LogEvent(name: e.attributes["concept:name"]?.string, cases: [caseID], attributes: e.attributes, line: e.line)
        case ("log", "trace"):
            var end = LogEvent(name: nil, cases: [caseID], attributes: traceAttributes, line: line)
            end.isCaseEnd = true
            return end
        default: return nil
        }
    }

    private var caseID: String { traceName ?? "trace \(traceCount)" }

    private func attribute(_ tag: Tag) throws(LogReadError) -> (String, JSONValue)? {
        guard let key = tag.attributes.first(where: { $0.0 == "key" })?.1 else {
            throw LogReadError(file: file.path, line: tag.line, column: tag.column, "`<\(tag.name)>` has no `key`",
                               help: "an XES attribute is <\(tag.name) key=\"...\" value=\"...\"/>")
        }
        if tag.name == "list" || tag.name == "container" { return nil }
        let text = tag.attributes.first(where: { $0.0 == "value" })?.1 ?? ""
        switch tag.name {
        case "int":
            guard let i = Int(text) else {
                throw LogReadError(file: file.path, line: tag.line, column: tag.column, "`\(key)` is an int, but `\(text)` is not a whole number")
            }
            return (key, .int(i))
        case "float":
            guard let d = Double(text), d.isFinite else {
                throw LogReadError(file: file.path, line: tag.line, column: tag.column, "`\(key)` is a float, but `\(text)` is not a number")
            }
            return (key, .double(d))
        case "boolean":
            switch text.lowercased() {
            case "true": return (key, .bool(true))
            case "false": return (key, .bool(false))
            default: throw LogReadError(file: file.path, line: tag.line, column: tag.column, "`\(key)` is a boolean, but its value is `\(text)`")
            }
        default: return (key, .string(text))
        }
    }

    // MARK: the scanner

    private func nextTag() throws(LogReadError) -> Tag? {
        while let b = try file.nextByte() {
            guard b == UInt8(ascii: "<") else { continue }  // text between elements carries nothing in XES
            let line = file.lineNumber
            guard let c = try file.nextByte() else { break }
            switch c {
            case UInt8(ascii: "?"): try skip(past: Array("?>".utf8))
            case UInt8(ascii: "!"):
                let head = try bytes(2)
                if head == Array("--".utf8) { try skip(past: Array("-->".utf8)); continue }
                if head == Array("[C".utf8) { try skip(past: Array("]]>".utf8)); continue }
                throw LogReadError(file: file.path, line: line, "the XES log has a DTD or a declaration (`<!`)",
                                   help: "XES needs no DTD; its entities could expand without bound, so it is refused", recoverable: false)
            default:
                return try tag(first: c, line: line)
            }
        }
        return nil
    }

    private func bytes(_ n: Int) throws(LogReadError) -> [UInt8] {
        var out: [UInt8] = []
        for _ in 0..<n { guard let b = try file.nextByte() else { break }; out.append(b) }
        return out
    }

    private func skip(past end: [UInt8]) throws(LogReadError) {
        let line = file.lineNumber
        var window: [UInt8] = []
        var n = 0
        while let b = try file.nextByte() {
            window.append(b)
            if window.count > end.count { window.removeFirst() }
            if window == end { return }
            n += 1
            if n > Self.maximumTagBytes {
                throw LogReadError(file: file.path, line: line, "a comment or processing instruction is longer than 1 MiB", recoverable: false)
            }
        }
        throw LogReadError(file: file.path, line: line, "the XES log ends inside a comment or declaration", recoverable: false)
    }

    /// A start or end tag whose `<` has been read; `first` is the byte after it.
    private func tag(first: UInt8, line: Int) throws(LogReadError) -> Tag {
        var raw: [UInt8] = [first]
        var quote: UInt8? = nil
        while true {
            guard let b = try file.nextByte() else {
                throw LogReadError(file: file.path, line: line, "the XES log ends inside a tag", recoverable: false)
            }
            if let q = quote { if b == q { quote = nil } } else if b == 0x22 || b == 0x27 { quote = b } else if b == UInt8(ascii: ">") { break }
            raw.append(b)
            if raw.count > Self.maximumTagBytes {
                throw LogReadError(file: file.path, line: line, "a tag is longer than 1 MiB", recoverable: false)
            }
        }
        return try parseTag(raw, line: line)
    }

    private func parseTag(_ raw: [UInt8], line: Int) throws(LogReadError) -> Tag {
        var i = 0
        var closing = false, selfClosing = false
        if raw.first == UInt8(ascii: "/") { closing = true; i = 1 }
        var end = raw.count
        if !closing, end > 0, raw[end - 1] == UInt8(ascii: "/") { selfClosing = true; end -= 1 }
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        func isNameByte(_ b: UInt8) -> Bool { !isSpace(b) && b != UInt8(ascii: "=") && b != UInt8(ascii: "/") && b != 0x22 && b != 0x27 }
        let nameStart = i
        while i < end, isNameByte(raw[i]) { i += 1 }
        let name = String(decoding: raw[nameStart..<i], as: UTF8.self)
        if name.isEmpty { throw LogReadError(file: file.path, line: line, "a tag without a name", recoverable: false) }
        var attributes: [(String, String)] = []
        while true {
            while i < end, isSpace(raw[i]) { i += 1 }
            if i >= end { break }
            let aStart = i
            while i < end, isNameByte(raw[i]) { i += 1 }
            let aName = String(decoding: raw[aStart..<i], as: UTF8.self)
            while i < end, isSpace(raw[i]) { i += 1 }
            guard !aName.isEmpty, i < end, raw[i] == UInt8(ascii: "=") else {
                throw LogReadError(file: file.path, line: line, "malformed attribute in `<\(name)>`", recoverable: false)
            }
            i += 1
            while i < end, isSpace(raw[i]) { i += 1 }
            guard i < end, raw[i] == 0x22 || raw[i] == 0x27 else {
                throw LogReadError(file: file.path, line: line, "the attribute `\(aName)` of `<\(name)>` is not quoted", recoverable: false)
            }
            let q = raw[i]
            i += 1
            let vStart = i
            while i < end, raw[i] != q { i += 1 }
            guard i < end else { throw LogReadError(file: file.path, line: line, "an unclosed quote in `<\(name)>`", recoverable: false) }
            if i - vStart > Self.maximumValueBytes {
                throw LogReadError(file: file.path, line: line, "the attribute `\(aName)` of `<\(name)>` is longer than 64 KiB")
            }
            attributes.append((aName, try decode(raw[vStart..<i], line: line)))
            i += 1
            if attributes.count > Self.maximumAttributes {
                throw LogReadError(file: file.path, line: line, "`<\(name)>` has more than \(Self.maximumAttributes) attributes", recoverable: false)
            }
        }
        return Tag(name: name, attributes: attributes, closing: closing, selfClosing: selfClosing, line: line, column: 1)
    }

    /// An attribute value with its references replaced: the five predefined
    /// entities and character references; anything else is an error.
    private func decode(_ bytes: ArraySlice<UInt8>, line: Int) throws(LogReadError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw LogReadError(file: file.path, line: line, "an attribute value is not valid UTF-8")
        }
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 10 else {
                throw LogReadError(file: file.path, line: line, "a `&` that starts no reference", help: "write & as &amp;")
            }
            let ref = rest[rest.index(after: amp)..<semi]
            switch ref {
            case "lt": out += "<"
            case "gt": out += ">"
            case "amp": out += "&"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                var scalar: Unicode.Scalar? = nil
                if ref.hasPrefix("#x") || ref.hasPrefix("#X") { scalar = UInt32(ref.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init) }
                else if ref.hasPrefix("#") { scalar = UInt32(ref.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init) }
                guard let s = scalar else {
                    throw LogReadError(file: file.path, line: line, "the entity `&\(ref);` is not defined",
                                       help: "XES logs use only &lt; &gt; &amp; &quot; &apos; and character references")
                }
                out.unicodeScalars.append(s)
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}
