import CPNDiagnostics
import CPNModel

/// A Pratt parser for the expression language (grammar: `specs/expressions.md`).
///
/// It stops at the first syntax error: one precise message per expression is
/// more useful than a cascade, and the loader still reports every other
/// expression's problems in the same run.
public struct ExpressionParser {
    private var tokens: [Token] = []
    private var index = 0
    private let source: ExpressionSource
    /// Nesting of the tree being built: parentheses, operands, and each
    /// operator folded into a chain (`a + b + c` is a left-deep tree).
    private var depth = 0

    /// The deepest expression tree the parser builds. The compiler and the
    /// evaluator recurse over the tree, and a debug build spends about 13 KB
    /// of stack per level, so without a limit 10,000 nested `(` (or a sum of
    /// 700 terms) overflowed the stack: a crash instead of a diagnostic.
    public static let maximumDepth = 100

    private struct Failure: Error { let diagnostic: Diagnostic }

    private init(source: ExpressionSource) { self.source = source }

    /// Parses a whole expression: a guard, an invariant, an output token.
    public static func parse(_ source: ExpressionSource) -> Result<Expr, Diagnostic> {
        run(source) { p in try p.expression(0) }
    }

    /// Parses a token term: `expr` or `expr @+ delay`.
    public static func parseInscription(_ source: ExpressionSource) -> Result<(Expr, Expr?), Diagnostic> {
        run(source) { p in
            let e = try p.expression(0)
            if p.peek.kind == .symbol(.delay) {
                p.index += 1
                return (e, try p.expression(0))
            }
            return (e, nil)
        }
    }

    /// Parses `pattern => body` (a place's order key).
    public static func parseLambda(_ source: ExpressionSource) -> Result<Expr, Diagnostic> {
        run(source) { p in
            let start = p.peek
            let param = try p.expression(0)
            try p.expect(.arrow, help: "an order key is a function of the token, like `t => t.prio`")
            let body = try p.expression(0)
            return Expr(.lambda(param, body), p.span(from: start))
        }
    }

    private static func run<T>(_ source: ExpressionSource, _ body: (inout ExpressionParser) throws -> T) -> Result<T, Diagnostic> {
        var parser = ExpressionParser(source: source)
        switch Lexer(source).tokenize() {
        case .failure(let d): return .failure(d)
        case .success(let tokens): parser.tokens = tokens
        }
        if parser.tokens.count == 1 {
            return .failure(Diagnostic(.expressionSyntax, "empty expression", at: source.span(offset: 0, length: 1),
                                       help: "write an expression here"))
        }
        do {
            let result = try body(&parser)
            if parser.peek.kind != .end { throw parser.unexpected(parser.peek, after: true) }
            return .success(result)
        } catch let failure as Failure {
            return .failure(failure.diagnostic)
        } catch {
            return .failure(Diagnostic(.expressionSyntax, "\(error)", at: source.span(offset: 0, length: 1)))
        }
    }

    // MARK: - Token access

    private var peek: Token { tokens[min(index, tokens.count - 1)] }
    private func peek(_ ahead: Int) -> Token { tokens[min(index + ahead, tokens.count - 1)] }

    private mutating func advance() -> Token {
        let t = peek
        if index < tokens.count - 1 { index += 1 }
        return t
    }

    private func spanOf(_ t: Token) -> SourceSpan { source.span(offset: t.offset, length: t.length) }

    /// The span from token `start` to the last consumed token.
    private func span(from start: Token) -> SourceSpan {
        let last = tokens[max(0, index - 1)]
        return source.span(offset: start.offset, length: max(1, last.offset + last.length - start.offset))
    }

    @discardableResult
    private mutating func expect(_ symbol: Symbol, help: String? = nil) throws -> Token {
        guard peek.kind == .symbol(symbol) else {
            throw Failure(diagnostic: Diagnostic(.expressionSyntax, "expected `\(symbol.rawValue)`, found \(peek.kind)",
                                                 at: spanOf(peek), help: help))
        }
        return advance()
    }

    private mutating func expectKeyword(_ keyword: Keyword, help: String) throws {
        guard peek.kind == .keyword(keyword) else {
            throw Failure(diagnostic: Diagnostic(.expressionSyntax, "expected `\(keyword.rawValue)`, found \(peek.kind)",
                                                 at: spanOf(peek), help: help))
        }
        _ = advance()
    }

    private mutating func identifier(_ what: String) throws -> (String, SourceSpan) {
        let t = peek
        switch t.kind {
        case .identifier(let name):
            _ = advance()
            return (name, spanOf(t))
        case .keyword(let k):
            throw Failure(diagnostic: Diagnostic(.expressionSyntax, "expected \(what), found the keyword `\(k.rawValue)`",
                                                 at: spanOf(t), help: "keywords cannot be used as names; rename it"))
        default:
            throw Failure(diagnostic: Diagnostic(.expressionSyntax, "expected \(what), found \(t.kind)", at: spanOf(t)))
        }
    }

    private func unexpected(_ t: Token, after: Bool) -> Failure {
        var help: String? = nil
        switch t.kind {
        case .identifier("and"): help = "use `&&` for logical and"
        case .identifier("or"): help = "use `||` for logical or"
        case .identifier("not"): help = "use `!` for logical not"
        case .symbol(.arrow): help = "`pattern => body` is only allowed as the last argument of `count` or `sum`"
        case .symbol(.delay): help = "`@+ delay` is only allowed after an output-arc token or an initial token"
        case .symbol(.ellipsis): help = "`...` may only end a record pattern on an input arc"
        case .keyword(.then), .keyword(.else): help = "a conditional is written `if c then a else b`"
        case .end: help = "the expression stops too early: the operand after the last operator is missing"
        default: if after { help = "an operator is missing, or the expression should end here" }
        }
        let message = after ? "unexpected \(t.kind) after a complete expression" : "expected an expression, found \(t.kind)"
        return Failure(diagnostic: Diagnostic(.expressionSyntax, message, at: spanOf(t), help: help))
    }

    // MARK: - Pratt loop

    private static func infix(_ kind: Token.Kind) -> (BinaryOperator, left: Int, right: Int)? {
        guard case .symbol(let s) = kind else { return nil }
        switch s {
        case .or: return (.or, 1, 2)
        case .and: return (.and, 3, 4)
        case .equal: return (.equal, 5, 6)
        case .notEqual: return (.notEqual, 5, 6)
        case .less: return (.less, 5, 6)
        case .lessEqual: return (.lessEqual, 5, 6)
        case .greater: return (.greater, 5, 6)
        case .greaterEqual: return (.greaterEqual, 5, 6)
        case .plus: return (.add, 7, 8)
        case .minus: return (.subtract, 7, 8)
        case .star: return (.multiply, 9, 10)
        case .slash: return (.divide, 9, 10)
        case .percent: return (.remainder, 9, 10)
        case .power: return (.power, 14, 13)  // right-associative, above unary minus
        default: return nil
        }
    }

    private static let prefixBindingPower = 11
    private static let postfixBindingPower = 15

    private mutating func expression(_ minimum: Int) throws -> Expr {
        let start = peek
        let entryDepth = depth
        defer { depth = entryDepth }
        try descend(at: start)
        var left = try prefix()
        var lastComparison = false
        while true {
            let t = peek
            if t.kind == .symbol(.dot) {
                guard Self.postfixBindingPower >= minimum else { break }
                try descend(at: t)
                _ = advance()
                let member: String
                switch peek.kind {
                case .identifier(let name): member = name
                case .int(let i): member = String(i)
                default:
                    throw Failure(diagnostic: Diagnostic(.expressionSyntax, "expected a field name or a tuple index after `.`, found \(peek.kind)",
                                                         at: spanOf(peek)))
                }
                _ = advance()
                left = Expr(.member(left, member), span(from: start))
                continue
            }
            if case .identifier(let w) = t.kind, ["and", "or"].contains(w) { throw unexpected(t, after: true) }
            guard let (op, lbp, rbp) = Self.infix(t.kind), lbp >= minimum else { break }
            let isComparison = lbp == 5
            if isComparison && lastComparison {
                throw Failure(diagnostic: Diagnostic(.expressionSyntax, "comparisons cannot be chained", at: spanOf(t),
                                                     help: "write `a < b && b < c`"))
            }
            try descend(at: t)
            _ = advance()
            let right = try expression(rbp)
            left = Expr(.binary(op, left, right), span(from: start))
            lastComparison = isComparison
        }
        return left
    }

    /// One level deeper into the tree; fails past `maximumDepth`.
    private mutating func descend(at t: Token) throws {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw Failure(diagnostic: Diagnostic(.nestingTooDeep, "the expression nests deeper than \(Self.maximumDepth) levels",
                                                 at: spanOf(t),
                                                 help: "split it into smaller expressions (several invariants, or named constants)"))
        }
    }

    private mutating func prefix() throws -> Expr {
        let t = advance()
        switch t.kind {
        case .int(let i): return Expr(.int(i), spanOf(t))
        case .keyword(.true): return Expr(.bool(true), spanOf(t))
        case .keyword(.false): return Expr(.bool(false), spanOf(t))
        case .identifier("_"): return Expr(.wildcard, spanOf(t))
        case .identifier(let name):
            if peek.kind == .symbol(.leftParen) { return try call(name, start: t) }
            if name == "not", startsExpression(peek.kind) { throw unexpected(t, after: false) }
            return Expr(.name(name), spanOf(t))
        case .symbol(.minus):
            let operand = try expression(Self.prefixBindingPower)
            return Expr(.unary(.negate, operand), span(from: t))
        case .symbol(.bang):
            let operand = try expression(Self.prefixBindingPower)
            return Expr(.unary(.not, operand), span(from: t))
        case .symbol(.leftParen): return try parenthesized(start: t)
        case .symbol(.leftBrace): return try braced(start: t)
        case .keyword(.if):
            let condition = try expression(0)
            try expectKeyword(.then, help: "a conditional is written `if c then a else b`")
            let yes = try expression(0)
            try expectKeyword(.else, help: "a conditional needs both branches: `if c then a else b`")
            let no = try expression(0)
            return Expr(.conditional(condition, then: yes, else: no), span(from: t))
        case .keyword(.forall), .keyword(.exists):
            let quantifier: Quantifier = t.kind == .keyword(.forall) ? .forall : .exists
            let variable = try quantifierVariable()
            try expectKeyword(.in, help: "a quantifier is written `forall x in Color: condition`")
            let (domain, domainSpan) = try identifier("a color or a place to range over")
            try expect(.colon, help: "a quantifier is written `forall x in Color: condition`")
            let body = try expression(0)
            return Expr(.quantifier(quantifier, variable: variable, domain: domain, domainSpan: domainSpan, body: body), span(from: t))
        default:
            throw unexpected(t, after: false)
        }
    }

    private func startsExpression(_ kind: Token.Kind) -> Bool {
        switch kind {
        case .int, .identifier, .keyword(.true), .keyword(.false), .keyword(.if),
             .symbol(.leftParen), .symbol(.leftBrace), .symbol(.bang): return true
        default: return false
        }
    }

    private mutating func quantifierVariable() throws -> Expr {
        let t = peek
        if t.kind == .symbol(.leftParen) {
            _ = advance()
            return try parenthesized(start: t)
        }
        let (name, span) = try identifier("a variable name after the quantifier")
        return Expr(name == "_" ? .wildcard : .name(name), span)
    }

    private mutating func call(_ name: String, start: Token) throws -> Expr {
        try expect(.leftParen)
        var arguments: [Expr] = []
        if peek.kind != .symbol(.rightParen) {
            while true {
                let argumentStart = peek
                var argument = try expression(0)
                if peek.kind == .symbol(.arrow) {
                    _ = advance()
                    let body = try expression(0)
                    argument = Expr(.lambda(argument, body), span(from: argumentStart))
                }
                arguments.append(argument)
                if peek.kind == .symbol(.comma) { _ = advance(); continue }
                break
            }
        }
        try expect(.rightParen, help: "close the argument list of `\(name)`")
        return Expr(.call(name, arguments), span(from: start))
    }

    private mutating func parenthesized(start: Token) throws -> Expr {
        if peek.kind == .symbol(.rightParen) {
            _ = advance()
            return Expr(.unit, span(from: start))
        }
        let first = try expression(0)
        if peek.kind != .symbol(.comma) {
            try expect(.rightParen, help: "close the parenthesis opened here")
            return first
        }
        var parts = [first]
        while peek.kind == .symbol(.comma) {
            _ = advance()
            if peek.kind == .symbol(.rightParen) { break }  // trailing comma
            parts.append(try expression(0))
        }
        try expect(.rightParen, help: "close the tuple")
        return Expr(.tuple(parts), span(from: start))
    }

    private mutating func braced(start: Token) throws -> Expr {
        if peek.kind == .symbol(.rightBrace) {
            throw Failure(diagnostic: Diagnostic(.expressionSyntax, "empty record", at: span(from: start),
                                                 help: "list the fields: `{domain: shop, prio: 2}`; use `()` for the Unit token"))
        }
        // `{name: ...` or `{...}` is a record; anything else is `{base with ...}`.
        let isRecord: Bool
        if case .identifier = peek.kind, peek(1).kind == .symbol(.colon) { isRecord = true }
        else { isRecord = peek.kind == .symbol(.ellipsis) }
        if isRecord {
            var fields: [Expr.FieldInit] = []
            var open = false
            while true {
                if peek.kind == .symbol(.ellipsis) {
                    _ = advance()
                    open = true
                    break
                }
                fields.append(try fieldInit())
                if peek.kind == .symbol(.comma) {
                    _ = advance()
                    if peek.kind == .symbol(.rightBrace) { break }
                    continue
                }
                break
            }
            try expect(.rightBrace, help: "separate fields with `,` and close the record with `}`")
            return Expr(.record(fields, open: open), span(from: start))
        }
        let base = try expression(0)
        try expectKeyword(.with, help: "a record is written `{field: value, ...}`, an update `{t with field: value}`")
        var fields: [Expr.FieldInit] = []
        repeat {
            if !fields.isEmpty { _ = advance() }
            if peek.kind == .symbol(.rightBrace) { break }
            fields.append(try fieldInit())
        } while peek.kind == .symbol(.comma)
        try expect(.rightBrace, help: "separate fields with `,` and close the update with `}`")
        return Expr(.with(base, fields), span(from: start))
    }

    private mutating func fieldInit() throws -> Expr.FieldInit {
        let (name, nameSpan) = try identifier("a field name")
        try expect(.colon, help: "a field is written `name: value`")
        let value = try expression(0)
        return Expr.FieldInit(name: name, nameSpan: nameSpan, value: value)
    }
}
