@testable import CPNExpressions
import CPNDiagnostics
import CPNModel
import Testing

@Suite struct TypeCheckerTests {
    typealias C = TestColors

    @Test func recordLiteralsTakeTheirColorFromThePosition() throws {
        let h = Harness()
        let target = try #require(h.compile("{domain: shop, prio: 2}", expected: C.target))
        #expect(target.color == C.target)
        #expect(target.constant == .record([.enumCase(0), .int(2)]))
        // Without a position to say which record it is, the literal is refused.
        #expect(h.compile("{domain: shop, prio: 2}") == nil)
        #expect(h.codes == [.typeMismatch])
    }

    @Test func tuplesInferTheirComponents() throws {
        let h = Harness(variables: [("t", C.target)])
        let pair = try #require(h.compile("(p1, t)"))
        #expect(pair.color.components == [C.proxy, C.target])
        let member = try #require(h.compile("(p1, t).1.domain"))
        #expect(member.color == C.domain)
        let nested = try #require(h.compile("((news, 1), t.prio)"))
        #expect(nested.color.components?.first?.components == [C.domain, .anyInt])
        #expect(h.codes.isEmpty)
    }

    @Test func patternsBindThroughRecordsAndTuples() throws {
        let h = Harness()
        let pair = Color(.tuple([C.proxy, C.target]))
        let written = try #require(parse("(p, {domain: d, ...})"))
        let pattern = try #require(h.compiler.compilePattern(written, color: pair))
        #expect(pattern.isIrrefutable)  // every part binds (or is ignored by `...`): any token matches
        let d = try #require(h.compile("d == news"))
        #expect(d.color == .bool)
        #expect(h.compiler.currentVariables.map(\.name) == ["p", "d"])
        #expect(h.compiler.currentVariables.map(\.color) == [C.proxy, C.domain])
        // The pattern matches and binds.
        var context = EvalContext(slotCount: h.compiler.slotCount)
        let token: Value = .tuple([.enumCase(1), .record([.enumCase(1), .int(0)])])
        #expect(try pattern.match(token, &context))
        #expect(context.slots == [.enumCase(1), .enumCase(1)])
        #expect(try d.evaluate(&context) == .bool(true))
    }

    @Test func withUpdatesFieldsOfItsBase() throws {
        let h = Harness(variables: [("t", C.target)])
        let updated = try #require(h.compile("{t with prio: t.prio - 1}", expected: C.target))
        #expect(updated.color == C.target)
        let value = h.evaluate(updated, ["t": .record([.enumCase(0), .int(2)])])
        #expect(try value.get() == .record([.enumCase(0), .int(1)]))
        // Out of the field's range at run time: an error, not a bad token.
        let failed = h.evaluate(updated, ["t": .record([.enumCase(0), .int(0)])])
        #expect(throws: EvaluationError.self) { try failed.get() }
    }

    /// The error code each mistake earns.
    @Test(arguments: [
        ("shop + 1", ExpressionContext.transition, DiagnosticCode.typeMismatch),
        ("true * 2", .transition, .typeMismatch),
        ("t.nope", .transition, .unknownField),
        ("t.9", .transition, .unknownField),
        ("Domain.shp", .transition, .unknownField),
        ("{p1 with prio: 1}", .transition, .typeMismatch),
        ("{t with prio: 1, nope: 2}", .transition, .unknownField),
        ("frobnicate(1)", .transition, .badCall),
        ("min(1)", .transition, .badCall),
        ("size(queue)", .transition, .notAllowedHere),
        ("queue", .transition, .notAllowedHere),
        ("_", .transition, .notAllowedHere),
        ("zz", .transition, .unboundVariable),
        ("zz", .constant, .unknownName),
        ("zz", .property, .unknownName),
        ("size(quee)", .property, .unknownPlace),
        ("forall x in Nothing: true", .property, .unknownName),
        ("if 1 then 2 else 3", .transition, .notBool),
        ("if t.prio > 0 then 2 else shop", .transition, .typeMismatch),
        ("1 / 0", .constant, .constantEvaluation),
        ("t.prio % 0", .transition, .constantEvaluation),
        ("2 ** -1", .transition, .constantEvaluation),
        ("9223372036854775807 + 1", .constant, .constantEvaluation),
        ("Domain", .transition, .typeMismatch),
    ])
    func mistakes(text: String, context: ExpressionContext, code: DiagnosticCode) {
        let h = Harness(context: context, variables: context == .transition ? [("t", C.target)] : [])
        #expect(h.compile(text) == nil, "`\(text)` compiled")
        #expect(h.codes.first == code, "`\(text)`: \(h.compiler.diagnostics.items.map { "\($0.code) \($0.message)" })")
        #expect(h.compiler.diagnostics.items.allSatisfy { $0.span != nil })
    }

    @Test func outOfRangeLiteralsForABoundedColor() {
        let h = Harness()
        #expect(h.compile("5", expected: C.small) == nil)
        #expect(h.codes == [.outOfColorRange])
        #expect(h.compiler.diagnostics.items.first?.help == "`Small` holds 0 ... 3")
        #expect(h.compile("{domain: shop, prio: 3}", expected: C.target) == nil)
        #expect(h.codes.last == .outOfColorRange)
    }

    @Test func recordLiteralMistakes() {
        let h = Harness()
        #expect(h.compile("{domain: shop}", expected: C.target) == nil)
        #expect(h.compile("{domain: shop, prio: 1, domain: news}", expected: C.target) == nil)
        #expect(h.compile("{domian: shop, prio: 1}", expected: C.target) == nil)
        #expect(h.codes == [.typeMismatch, .typeMismatch, .unknownField])
        // A misspelt field is reported once, not also as a missing one.
        #expect(h.compiler.diagnostics.items.last?.help == "did you mean `domain`?")
    }

    @Test func ambiguousEnumCases() throws {
        var symbols = TestColors.symbols
        let machine = Color(name: "Machine", .enumeration(["shop", "broken"]))
        symbols.colors["Machine"] = machine
        symbols.declare(enumColor: machine)
        let h = Harness(symbols: symbols, variables: [("m", machine)])
        #expect(h.compile("shop == shop") == nil)
        #expect(h.codes == [.ambiguousName, .ambiguousName])
        // The other side of `==` or the expected color decides.
        #expect(try #require(h.compile("m == shop")).color == .bool)
        #expect(try #require(h.compile("shop", expected: C.domain)).constant == .enumCase(0))
        #expect(try #require(h.compile("Machine.shop")).color == machine)
    }

    @Test func patternMistakes() throws {
        let h = Harness()
        let pair = Color(.tuple([C.proxy, C.proxy]))
        func pattern(_ text: String, _ color: Color) -> CompiledPattern? { parse(text).flatMap { h.compiler.compilePattern($0, color: color) } }
        #expect(pattern("(x, x)", pair) == nil)
        #expect(pattern("{domain: d}", C.target) == nil)
        #expect(pattern("(a, b, c)", pair) == nil)
        #expect(pattern("shop", C.proxy) == nil)
        #expect(h.codes == [.boundTwice, .invalidPattern, .typeMismatch, .typeMismatch])
        // An int literal outside the place's color: the transition can never fire (a warning).
        #expect(pattern("7", C.small) != nil)
        #expect(h.codes.last == .neverFires)
    }

    @Test func conditionsMustBeBool() throws {
        let h = Harness(context: .property)
        let number = try #require(parse("size(queue)"))
        #expect(h.compiler.compileCondition(number, what: "`final`") == nil)
        let d = try #require(h.compiler.diagnostics.items.first)
        #expect(d.code == .notBool && d.message == "`final` must be Bool, found `Int`")
        let condition = try #require(parse("size(queue) >= 0 && exists t in queue: t.prio > 0"))
        #expect(h.compiler.compileCondition(condition, what: "`final`") != nil)
    }
}
