@testable import CPNExpressions
import CPNDiagnostics
import Testing

@Suite struct LexerTests {
    func tokens(_ text: String) -> [Token.Kind]? {
        try? Lexer(ExpressionSource(text: text)).tokenize().get().map(\.kind)
    }

    func failure(_ text: String) -> Diagnostic? {
        if case .failure(let d) = Lexer(ExpressionSource(text: text)).tokenize() { return d }
        return nil
    }

    @Test func longestSymbolsWin() {
        #expect(tokens("a ** b * c") == [.identifier("a"), .symbol(.power), .identifier("b"), .symbol(.star), .identifier("c"), .end])
        #expect(tokens("x<=y>=z==w!=v") == [.identifier("x"), .symbol(.lessEqual), .identifier("y"), .symbol(.greaterEqual),
                                            .identifier("z"), .symbol(.equal), .identifier("w"), .symbol(.notEqual), .identifier("v"), .end])
        #expect(tokens("t @+ 2") == [.identifier("t"), .symbol(.delay), .int(2), .end])
        #expect(tokens("{t, ...}") == [.symbol(.leftBrace), .identifier("t"), .symbol(.comma), .symbol(.ellipsis), .symbol(.rightBrace), .end])
        #expect(tokens("p => !q && r || s") == [.identifier("p"), .symbol(.arrow), .symbol(.bang), .identifier("q"), .symbol(.and),
                                                .identifier("r"), .symbol(.or), .identifier("s"), .end])
    }

    @Test func keywordsAndIdentifiers() {
        #expect(tokens("if x then true else false") == [.keyword(.if), .identifier("x"), .keyword(.then), .keyword(.true),
                                                        .keyword(.else), .keyword(.false), .end])
        #expect(tokens("forall d in Domain: _x1") == [.keyword(.forall), .identifier("d"), .keyword(.in), .identifier("Domain"),
                                                      .symbol(.colon), .identifier("_x1"), .end])
        #expect(tokens("iffy thenceforth") == [.identifier("iffy"), .identifier("thenceforth"), .end])
    }

    @Test func integersWithSeparatorsAndTheirLimits() {
        #expect(tokens("1_000_000") == [.int(1_000_000), .end])
        #expect(tokens("9223372036854775807") == [.int(Int.max), .end])
        let tooBig = failure("1 + 9223372036854775808")
        #expect(tooBig?.code == .badInteger)
        #expect(tooBig?.span?.start.column == 5 && tooBig?.span?.length == 19)
        let numberIntoName = failure("2size")
        #expect(numberIntoName?.code == .expressionSyntax && numberIntoName?.message == "a number cannot run into a name")
    }

    @Test func offsetsAndLengths() throws {
        let tokens = try Lexer(ExpressionSource(text: "  ab  <=  12")).tokenize().get()
        #expect(tokens.map(\.offset) == [2, 6, 10, 12])
        #expect(tokens.map(\.length) == [2, 2, 2, 1])
    }

    @Test func aCommentEndsTheExpression() {
        #expect(tokens("a + 1 # the rest ) ( is ignored") == [.identifier("a"), .symbol(.plus), .int(1), .end])
    }

    @Test func unexpectedCharactersExplainThemselves() {
        let cases: [(String, String)] = [
            ("a = b", "use `==` to compare"), ("a & b", "`&&`"), ("a | b", "`||`"), ("'shop'", "no strings"),
            ("\"shop\"", "no strings"), ("[1, 2]", "no lists"), ("t @ 2", "`@+ n`"), ("a $ b", "remove it"),
        ]
        for (text, help) in cases {
            let d = failure(text)
            #expect(d?.code == .expressionSyntax, "\(text)")
            #expect(d?.help?.contains(help) == true, "\(text): \(d?.help ?? "no help")")
        }
    }

    @Test func nonASCIIIsAnErrorAtItsColumn() {
        let d = failure("a ≤ b")
        #expect(d?.message == "unexpected character `≤`")
        #expect(d?.span?.start.column == 3)
    }
}
