@testable import CPNExpressions
import CPNDiagnostics
import CPNModel
import Testing

/// Parses `text` as an expression, or records why it did not parse.
func parse(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Expr? {
    switch ExpressionParser.parse(ExpressionSource(text: text)) {
    case .success(let e): return e
    case .failure(let d):
        Issue.record("`\(text)` does not parse: \(d.message)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The diagnostic that parsing `text` fails with, or nil if it parses.
func parseError(_ text: String) -> Diagnostic? {
    if case .failure(let d) = ExpressionParser.parse(ExpressionSource(text: text)) { return d }
    return nil
}

/// The tree with every operation in parentheses, to read precedence off it.
func show(_ e: Expr) -> String {
    switch e.kind {
    case .int(let i): return String(i)
    case .bool(let b): return String(b)
    case .unit: return "()"
    case .name(let n): return n
    case .wildcard: return "_"
    case .unary(let op, let x): return "(\(op.rawValue)\(show(x)))"
    case .binary(let op, let a, let b): return "(\(show(a)) \(op.rawValue) \(show(b)))"
    case .member(let x, let m): return "\(show(x)).\(m)"
    case .tuple(let parts): return "(" + parts.map(show).joined(separator: ", ") + ")"
    case .record(let fields, let open):
        return "{" + fields.map { "\($0.name): \(show($0.value))" }.joined(separator: ", ") + (open ? ", ..." : "") + "}"
    case .with(let base, let fields):
        return "{\(show(base)) with " + fields.map { "\($0.name): \(show($0.value))" }.joined(separator: ", ") + "}"
    case .conditional(let c, let a, let b): return "(if \(show(c)) then \(show(a)) else \(show(b)))"
    case .call(let name, let args): return name + "(" + args.map(show).joined(separator: ", ") + ")"
    case .lambda(let p, let body): return "(\(show(p)) => \(show(body)))"
    case .quantifier(let q, let v, let domain, _, let body): return "(\(q.rawValue) \(show(v)) in \(domain): \(show(body)))"
    }
}

/// Colors shared by the checker tests.
enum TestColors {
    static let domain = Color(name: "Domain", .enumeration(["shop", "news"]))
    static let proxy = Color(name: "Proxy", .enumeration(["p1", "p2"]))
    static let prio = Color(.int(0...2))
    static let target = Color(name: "Target", .record([.init(name: "domain", color: domain), .init(name: "prio", color: prio)]))
    static let small = Color(name: "Small", .int(0...3))

    static var symbols: SymbolTable {
        var s = SymbolTable()
        for c in [domain, proxy, target, small] { s.colors[c.name!] = c }
        s.declare(enumColor: domain)
        s.declare(enumColor: proxy)
        s.constants["MAX"] = (.anyInt, .int(3))
        s.places["queue"] = (0, target)
        return s
    }
}

/// Compiles expressions over named variables and evaluates them with values.
struct Harness {
    let compiler: ExpressionCompiler
    private(set) var slots: [String: Int] = [:]

    init(context: ExpressionContext = .transition, symbols: SymbolTable = TestColors.symbols, variables: [(String, Color)] = []) {
        compiler = ExpressionCompiler(symbols: symbols, context: context)
        for (name, color) in variables {
            let pattern = compiler.compilePattern(Expr(.name(name), SourceSpan(file: "<expr>", line: 1, column: 1)), color: color)
            #expect(pattern?.isIrrefutable == true)
            slots[name] = compiler.slotCount - 1
        }
    }

    func compile(_ text: String, expected: Color? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> CompiledExpr? {
        guard let e = parse(text, sourceLocation: sourceLocation) else { return nil }
        return compiler.compile(e, expected: expected)
    }

    /// The codes the compiler reported so far.
    var codes: [DiagnosticCode] { compiler.diagnostics.items.map(\.code) }

    func evaluate(_ compiled: CompiledExpr, _ values: [String: Value] = [:],
                  marking: (any MarkingReader)? = nil) -> Result<Value, EvaluationError> {
        var context = EvalContext(slotCount: compiler.slotCount, marking: marking)
        for (name, value) in values { context.slots[slots[name]!] = value }
        do throws(EvaluationError) {
            return .success(try compiled.evaluate(&context))
        } catch {
            return .failure(error)
        }
    }
}

/// A marking of given tokens per place index.
struct FakeMarking: MarkingReader {
    var places: [[(value: Value, count: Int)]]
    func tokens(inPlace index: Int) -> [(value: Value, count: Int)] { places[index] }
}
