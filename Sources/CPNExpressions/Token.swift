/// A lexical token of the expression language.
struct Token: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case int(Int)
        case identifier(String)
        case keyword(Keyword)
        case symbol(Symbol)
        case end
    }

    var kind: Kind
    /// Offset and length in Unicode scalars within the expression text.
    var offset: Int
    var length: Int
}

enum Keyword: String, CaseIterable, Sendable {
    case `true`, `false`, `if`, then, `else`, with, forall, exists, `in`
}

enum Symbol: String, CaseIterable, Sendable {
    // Longest first: the lexer tries them in this order.
    case ellipsis = "..."
    case delay = "@+"
    case arrow = "=>"
    case power = "**"
    case equal = "==", notEqual = "!=", lessEqual = "<=", greaterEqual = ">="
    case and = "&&", or = "||"
    case leftParen = "(", rightParen = ")", leftBrace = "{", rightBrace = "}"
    case comma = ",", colon = ":", dot = "."
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
    case less = "<", greater = ">", bang = "!"
}

extension Token.Kind: CustomStringConvertible {
    var description: String {
        switch self {
        case .int(let i): "`\(i)`"
        case .identifier(let s): "`\(s)`"
        case .keyword(let k): "`\(k.rawValue)`"
        case .symbol(let s): "`\(s.rawValue)`"
        case .end: "end of expression"
        }
    }
}
