import CPNDiagnostics

/// Splits expression text into tokens. Identifiers are ASCII letters, digits
/// and `_`; integer literals may use `_` between digits (`1_000`).
struct Lexer {
    let scalars: [Unicode.Scalar]
    let source: ExpressionSource

    init(_ source: ExpressionSource) {
        self.source = source
        self.scalars = Array(source.text.unicodeScalars)
    }

    func tokenize() -> Result<[Token], Diagnostic> {
        var tokens: [Token] = []
        var i = 0
        scan: while i < scalars.count {
            let c = scalars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1; continue }
            if c == "#" { break }  // a comment runs to the end of the expression
            if isDigit(c) {
                let start = i
                var digits = ""
                while i < scalars.count, isDigit(scalars[i]) || scalars[i] == "_" {
                    if scalars[i] != "_" { digits.unicodeScalars.append(scalars[i]) }
                    i += 1
                }
                if i < scalars.count, isIdentifierPart(scalars[i]) {
                    return .failure(error(.expressionSyntax, "a number cannot run into a name", at: start, i - start + 1,
                                          help: "put an operator or a space between them"))
                }
                guard let value = Int(digits) else {
                    return .failure(error(.badInteger, "integer literal `\(digits)` does not fit in 64 bits", at: start, i - start,
                                          help: "integers range from -9223372036854775808 to 9223372036854775807"))
                }
                tokens.append(Token(kind: .int(value), offset: start, length: i - start))
                continue
            }
            if isIdentifierStart(c) {
                let start = i
                var name = ""
                while i < scalars.count, isIdentifierPart(scalars[i]) { name.unicodeScalars.append(scalars[i]); i += 1 }
                let kind: Token.Kind = Keyword(rawValue: name).map { .keyword($0) } ?? .identifier(name)
                tokens.append(Token(kind: kind, offset: start, length: i - start))
                continue
            }
            for symbol in Symbol.allCases {
                let text = Array(symbol.rawValue.unicodeScalars)
                if i + text.count <= scalars.count, Array(scalars[i..<(i + text.count)]) == text {
                    tokens.append(Token(kind: .symbol(symbol), offset: i, length: text.count))
                    i += text.count
                    continue scan
                }
            }
            return .failure(unexpectedCharacter(c, at: i))
        }
        tokens.append(Token(kind: .end, offset: scalars.count, length: 1))
        return .success(tokens)
    }

    private func unexpectedCharacter(_ c: Unicode.Scalar, at i: Int) -> Diagnostic {
        let help: String
        switch c {
        case "=": help = "use `==` to compare; a net has no assignment"
        case "&": help = "use `&&` for logical and"
        case "|": help = "use `||` for logical or"
        case "'", "\"": help = "the expression language has no strings; use an enum case (`shop`) instead"
        case "[", "]": help = "the expression language has no lists; use a tuple `(a, b)` or several tokens on the arc"
        case "@": help = "a delay is written `@+ n` after an output token"
        default: help = "remove it; `specs/expressions.md` lists the operators"
        }
        return error(.expressionSyntax, "unexpected character `\(c)`", at: i, 1, help: help)
    }

    private func error(_ code: DiagnosticCode, _ message: String, at offset: Int, _ length: Int, help: String? = nil) -> Diagnostic {
        Diagnostic(code, message, at: source.span(offset: offset, length: length), help: help)
    }

    private func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    private func isIdentifierStart(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" }
    private func isIdentifierPart(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || isDigit(c) }
}

extension Keyword {
    /// Whether `name` is a keyword and so cannot name a color, place, field or variable.
    static func isReserved(_ name: String) -> Bool { Keyword(rawValue: name) != nil }
}

/// Whether `name` can name a color, place, transition, constant, field, case or variable.
public func isValidIdentifier(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, !Keyword.isReserved(name) else { return false }
    func letter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" }
    return letter(first) && name.unicodeScalars.allSatisfy { letter($0) || ($0 >= "0" && $0 <= "9") }
}
