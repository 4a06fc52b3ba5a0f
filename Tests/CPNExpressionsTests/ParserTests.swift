@testable import CPNExpressions
import CPNDiagnostics
import CPNModel
import Testing

@Suite struct ParserTests {
    func shown(_ text: String) -> String? { parse(text).map(show) }

    @Test func andBindsTighterThanOr() {
        #expect(shown("a || b && c") == "(a || (b && c))")
        #expect(shown("a && b || c && d") == "((a && b) || (c && d))")
        #expect(shown("!a && b") == "((!a) && b)")
    }

    @Test func arithmeticPrecedenceAndAssociativity() {
        #expect(shown("1 + 2 * 3") == "(1 + (2 * 3))")
        #expect(shown("a - b - c") == "((a - b) - c)")
        #expect(shown("a / b % c") == "((a / b) % c)")
        #expect(shown("2 ** 3 ** 2") == "(2 ** (3 ** 2))")
        // `**` binds tighter than unary minus: -2 ** 2 is -(2 ** 2).
        #expect(shown("-2 ** 2") == "(-(2 ** 2))")
        #expect(shown("-a * b") == "((-a) * b)")
        #expect(shown("a + b < c * d") == "((a + b) < (c * d))")
    }

    @Test func comparisonsDoNotChain() {
        for text in ["a < b < c", "a == b == c", "a <= b != c"] {
            let d = parseError(text)
            #expect(d?.message == "comparisons cannot be chained", "\(text)")
            #expect(d?.help == "write `a < b && b < c`")
        }
        #expect(shown("a < b && b < c") == "((a < b) && (b < c))")
        #expect(shown("(a < b) == c") == "((a < b) == c)")
    }

    @Test func conditionalsNest() {
        #expect(shown("if a then b else if c then d else e") == "(if a then b else (if c then d else e))")
        #expect(shown("if if a then b else c then 1 else 2") == "(if (if a then b else c) then 1 else 2)")
        #expect(shown("1 + (if a then 2 else 3)") == "(1 + (if a then 2 else 3))")
        #expect(parseError("if a then b")?.message == "expected `else`, found end of expression")
    }

    @Test func membersRecordsTuplesAndUpdates() {
        #expect(shown("t.domain.x") == "t.domain.x")
        #expect(shown("p.0 + p.1") == "(p.0 + p.1)")
        #expect(shown("Domain.shop") == "Domain.shop")
        #expect(shown("{domain: shop, prio: 1 + 1}") == "{domain: shop, prio: (1 + 1)}")
        #expect(shown("{domain: d, ...}") == "{domain: d, ...}")
        #expect(shown("{t with attempt: t.attempt + 1, prio: 0}") == "{t with attempt: (t.attempt + 1), prio: 0}")
        #expect(shown("(1, (a, b), ())") == "(1, (a, b), ())")
        #expect(shown("(1, 2,)") == "(1, 2)")
        #expect(shown("(a)") == "a")
    }

    @Test func callsWithLambdasAndQuantifiers() {
        #expect(shown("count(q, (p, t) => t.prio > 1)") == "count(q, ((p, t) => (t.prio > 1)))")
        #expect(shown("sum(q, t => t.prio) + size(q)") == "(sum(q, (t => t.prio)) + size(q))")
        #expect(shown("forall d in Domain: exists t in q: t.domain == d") == "(forall d in Domain: (exists t in q: (t.domain == d)))")
        #expect(shown("min(a, max(b, 1))") == "min(a, max(b, 1))")
        #expect(shown("f()") == "f()")
    }

    @Test func inscriptionsAndLambdas() throws {
        let (token, delay) = try ExpressionParser.parseInscription(ExpressionSource(text: "{t with a: 1} @+ 2 ** t.a")).get()
        #expect(show(token) == "{t with a: 1}")
        #expect(delay.map(show) == "(2 ** t.a)")
        let (plain, none) = try ExpressionParser.parseInscription(ExpressionSource(text: "(p, t)")).get()
        #expect(show(plain) == "(p, t)" && none == nil)
        #expect(try show(ExpressionParser.parseLambda(ExpressionSource(text: "t => t.prio")).get()) == "(t => t.prio)")
        if case .failure(let d) = ExpressionParser.parseLambda(ExpressionSource(text: "t.prio")) {
            #expect(d.message == "expected `=>`, found end of expression")
        } else {
            Issue.record("an order key without `=>` parsed")
        }
        // A delay only follows a whole token.
        #expect(parseError("a @+ 1")?.help?.contains("output-arc token") == true)
    }

    @Test func syntaxErrorsPointWhereParsingStopped() {
        let cases: [(String, String, Int)] = [
            ("", "empty expression", 1),
            ("(1, 2", "expected `)`, found end of expression", 6),
            ("a +", "expected an expression, found end of expression", 4),
            ("{}", "empty record", 1),
            ("a and b", "unexpected `and` after a complete expression", 3),
            ("not a", "expected an expression, found `not`", 1),
            ("t.", "expected a field name or a tuple index after `.`, found end of expression", 3),
            ("{t with if: 1}", "expected a field name, found the keyword `if`", 9),
            ("a b", "unexpected `b` after a complete expression", 3),
            ("x => 1", "unexpected `=>` after a complete expression", 3),
        ]
        for (text, message, column) in cases {
            let d = parseError(text)
            #expect(d?.code == .expressionSyntax, "\(text)")
            #expect(d?.message == message, "\(text): \(d?.message ?? "parsed")")
            #expect(d?.span?.start.column == column, "\(text): column \(d?.span?.start.column ?? 0)")
        }
    }

    @Test func nestingIsLimited() {
        let limit = ExpressionParser.maximumDepth
        let ok = String(repeating: "(", count: limit - 1) + "1" + String(repeating: ")", count: limit - 1)
        #expect(shown(ok) == "1")
        let deep = String(repeating: "(", count: limit + 1) + "1" + String(repeating: ")", count: limit + 1)
        #expect(parseError(deep)?.code == .nestingTooDeep)
        let sum = Array(repeating: "1", count: limit - 1).joined(separator: " + ")
        #expect(parse(sum) != nil)
        let longSum = Array(repeating: "1", count: limit + 2).joined(separator: " + ")
        #expect(parseError(longSum)?.code == .nestingTooDeep)
        // Far past the limit: a diagnostic, not a stack overflow.
        for text in [String(repeating: "(", count: 50_000), String(repeating: "-", count: 50_000) + "1",
                     String(repeating: "!", count: 50_000) + "true", Array(repeating: "a", count: 50_000).joined(separator: "."),
                     String(repeating: "if a then ", count: 20_000) + "1"] {
            #expect(parseError(text)?.code == .nestingTooDeep)
        }
    }

    @Test func spansCoverTheirNode() throws {
        let e = try #require(parse("  t.attempt + 1"))
        #expect(e.span.start.column == 3)
        #expect(e.span.length == "t.attempt + 1".count)
        guard case .binary(_, let left, _) = e.kind else { Issue.record("not a binary"); return }
        #expect(left.span.length == "t.attempt".count)
    }
}
