/// How bad a diagnostic is. Errors make `check` exit 2; warnings only with
/// `--deny-warnings`.
public enum Severity: String, Sendable, Comparable, Codable {
    case error
    case warning

    public static func < (a: Severity, b: Severity) -> Bool {
        a == .warning && b == .error
    }
}

/// One problem found in an input, in the shape rustc made familiar:
/// a stable code, a one-line message, where it is, and how to fix it.
///
/// ```
/// error[E0201]: unknown color `Proxi`
///   --> net.yaml:9:28
///    |
///  9 |   proxies: { color: Proxi, initial: [p1, p2] }
///    |                     ^^^^^
///    = help: did you mean `Proxy`?
/// ```
public struct Diagnostic: Hashable, Sendable {
    public var severity: Severity
    public var code: DiagnosticCode
    public var message: String
    public var span: SourceSpan?
    /// A proposed fix, phrased as an instruction.
    public var help: String?
    /// Secondary locations ("first defined here") with a short label each.
    public var notes: [Note]

    public struct Note: Hashable, Sendable {
        public var message: String
        public var span: SourceSpan?
        public init(_ message: String, at span: SourceSpan? = nil) {
            self.message = message
            self.span = span
        }
    }

    public init(_ code: DiagnosticCode, _ message: String, at span: SourceSpan?,
                help: String? = nil, notes: [Note] = []) {
        self.severity = code.severity
        self.code = code
        self.message = message
        self.span = span
        self.help = help
        self.notes = notes
    }

    public var isError: Bool { severity == .error }
}

/// Collects diagnostics while a pass goes on, so that one run reports every
/// problem instead of stopping at the first.
public struct DiagnosticBag: Sendable {
    public private(set) var items: [Diagnostic] = []
    /// What `items` holds, for the duplicate check: a net with thousands of
    /// warnings must not cost a scan of all of them per new one.
    private var seen: Set<Diagnostic> = []
    public private(set) var errorCount = 0

    public init() {}

    public mutating func add(_ diagnostic: Diagnostic) {
        // The same problem reached twice (say, through two arcs that share an
        // expression) is reported once.
        guard seen.insert(diagnostic).inserted else { return }
        items.append(diagnostic)
        if diagnostic.isError { errorCount += 1 }
    }

    public mutating func add(_ code: DiagnosticCode, _ message: String, at span: SourceSpan?,
                             help: String? = nil, notes: [Diagnostic.Note] = []) {
        add(Diagnostic(code, message, at: span, help: help, notes: notes))
    }

    public mutating func append(contentsOf other: [Diagnostic]) {
        for d in other { add(d) }
    }

    public var hasErrors: Bool { errorCount > 0 }
    public var warningCount: Int { items.count - errorCount }

    /// Diagnostics in reading order: by file, line, column, then code.
    public var sorted: [Diagnostic] {
        items.enumerated().sorted { a, b in
            let sa = a.element.span, sb = b.element.span
            switch (sa, sb) {
            case let (x?, y?):
                if x.file != y.file { return x.file < y.file }
                if x.start != y.start { return x.start < y.start }
                return a.offset < b.offset
            case (nil, _?): return true
            case (_?, nil): return false
            case (nil, nil): return a.offset < b.offset
            }
        }.map(\.element)
    }
}

/// A diagnostic can be thrown or returned in a `Result` by a pass that stops
/// at its first problem (the expression parser).
extension Diagnostic: Error {}
