@testable import CPNExpressions
import CPNModel
import Testing

/// `Expr.rendered` is what diffs and pictures show: it must parse back to the
/// same tree, and drop only parentheses that change nothing.
@Suite struct RenderingTests {
    @Test(arguments: [
        ("a + b * c", "a + b * c"),
        ("(a + b) * c", "(a + b) * c"),
        ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "a - b - c"),
        ("2 ** 3 ** 2", "2 ** 3 ** 2"),
        ("(2 ** 3) ** 2", "(2 ** 3) ** 2"),
        ("-a ** 2", "-a ** 2"),
        ("(-a) ** 2", "(-a) ** 2"),
        ("!(a && b) || c", "!(a && b) || c"),
        ("(a || b) && c", "(a || b) && c"),
        ("(a < b) == true", "(a < b) == true"),
        ("t.attempt  <   MAX", "t.attempt < MAX"),
        ("((t)).domain", "t.domain"),
        ("(p, {t with attempt: t.attempt + 1})", "(p, {t with attempt: t.attempt + 1})"),
        ("{domain: d, ...}", "{domain: d, ...}"),
        ("if a then 1 else 2", "if a then 1 else 2"),
        ("(if a then 1 else 2) + 3", "(if a then 1 else 2) + 3"),
        ("count(in_flight, (p, t) => t.domain == shop) <= LIMIT", "count(in_flight, (p, t) => t.domain == shop) <= LIMIT"),
        ("forall d in Domain: count(busy, x => x == d) <= 1", "forall d in Domain: count(busy, x => x == d) <= 1"),
        ("(forall d in Domain: ok(d)) && b", "(forall d in Domain: ok(d)) && b"),
        ("()", "()"),
        ("_", "_"),
        ("a % b / c", "a % b / c"),
        ("a / (b % c)", "a / (b % c)"),
    ])
    func rendersCanonically(_ input: String, _ expected: String) throws {
        let e = try #require(parse(input))
        #expect(e.rendered == expected)
        // The rendering parses back to the same tree (spans aside).
        let again = try #require(parse(e.rendered))
        #expect(show(again) == show(e))
        #expect(again.rendered == expected)
    }
}
