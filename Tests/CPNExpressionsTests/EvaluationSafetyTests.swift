@testable import CPNExpressions
import CPNDiagnostics
import CPNModel
import Testing

/// Arithmetic in nets never traps: overflow, division by zero and values
/// outside a bounded color are evaluation errors with a message and the
/// operator's location, for the explorer to report with its trace.
@Suite struct EvaluationSafetyTests {
    static let span = SourceSpan(file: "<expr>", line: 1, column: 1)
    static let edges = [Int.min, Int.min + 1, -3_037_000_500, -2, -1, 0, 1, 2, 3_037_000_500, Int.max - 1, Int.max]

    /// Every operator on every pair of edge values: the exact result when it
    /// fits, otherwise an error, and never a trap.
    @Test func checkedArithmeticNeverTraps() throws {
        let ops: [(BinaryOperatorKind, (Int, Int) -> (Int, Bool)?)] = [
            (.add, { let r = $0.addingReportingOverflow($1); return (r.partialValue, r.overflow) }),
            (.subtract, { let r = $0.subtractingReportingOverflow($1); return (r.partialValue, r.overflow) }),
            (.multiply, { let r = $0.multipliedReportingOverflow(by: $1); return (r.partialValue, r.overflow) }),
            (.divide, { a, b in
                guard b != 0 else { return nil }
                let r = a.dividedReportingOverflow(by: b)
                return (r.partialValue, r.overflow)
            }),
            (.remainder, { a, b in
                guard b != 0 else { return nil }
                let r = a.remainderReportingOverflow(dividingBy: b)
                return (r.partialValue, r.overflow)
            }),
        ]
        for (op, reference) in ops {
            for a in Self.edges {
                for b in Self.edges {
                    let result = Result { () throws(EvaluationError) in try CheckedArithmetic.apply(op, a, b, at: Self.span) }
                    if let (value, overflow) = reference(a, b), !overflow {
                        #expect(try result.get() == value, "\(op) \(a) \(b)")
                    } else {
                        #expect(throws: EvaluationError.self, "\(op) \(a) \(b)") { try result.get() }
                    }
                }
            }
        }
    }

    @Test func powerIsExactOrAnError() throws {
        func power(_ a: Int, _ b: Int) -> Result<Int, EvaluationError> {
            Result { () throws(EvaluationError) in try CheckedArithmetic.apply(.power, a, b, at: Self.span) }
        }
        #expect(try power(2, 62).get() == 1 << 62)
        #expect(try power(-2, 63).get() == Int.min)
        #expect(try power(0, 0).get() == 1)
        #expect(try power(-1, Int.max).get() == -1)
        #expect(try power(1, Int.max).get() == 1)
        for (a, b) in [(2, 63), (-2, 64), (3, 40), (Int.max, 2), (Int.min, 2), (10, 19)] {
            #expect(throws: EvaluationError.self, "\(a) ** \(b)") { try power(a, b).get() }
        }
        let negative = power(2, -1)
        #expect(throws: EvaluationError.self) { try negative.get() }
        if case .failure(let e) = negative { #expect(e.message == "negative exponent in 2 ** -1") }
    }

    @Test func negationOfIntMin() throws {
        #expect(throws: EvaluationError.self) { try CheckedArithmetic.negate(Int.min, at: Self.span) }
        #expect(try CheckedArithmetic.negate(Int.max, at: Self.span) == Int.min + 1)
    }

    /// The same through compiled expressions over variables.
    @Test(arguments: [
        ("a + b", Int.max, 1, "integer overflow in 9223372036854775807 + 1"),
        ("a - b", Int.min, 1, "integer overflow in -9223372036854775808 - 1"),
        ("a * b", Int.max, 2, "integer overflow in 9223372036854775807 * 2"),
        ("a ** b", 2, 64, "integer overflow in 2 ** 64"),
        ("a / b", 7, 0, "division by zero in 7 / 0"),
        ("a % b", 7, 0, "remainder by zero in 7 % 0"),
        ("a / b", Int.min, -1, "integer overflow in -9223372036854775808 / -1"),
        ("a % b", Int.min, -1, "integer overflow in -9223372036854775808 % -1"),
        ("-a + b", Int.min, 0, "integer overflow in -(-9223372036854775808)"),
        ("abs(a) + b", Int.min, 0, "integer overflow in -(-9223372036854775808)"),
    ])
    func compiledArithmeticReportsErrors(text: String, a: Int, b: Int, message: String) throws {
        let h = Harness(variables: [("a", .anyInt), ("b", .anyInt)])
        let compiled = try #require(h.compile(text))
        let result = h.evaluate(compiled, ["a": .int(a), "b": .int(b)])
        guard case .failure(let error) = result else {
            Issue.record("`\(text)` with a = \(a), b = \(b) gave \(result)")
            return
        }
        #expect(error.message == message)
        #expect(error.span.start.column >= 1)
    }

    @Test func valuesOutsideABoundedColorAreErrors() throws {
        let h = Harness(variables: [("n", TestColors.small)])
        let next = try #require(h.compile("n + 1", expected: TestColors.small))
        #expect(try h.evaluate(next, ["n": .int(2)]).get() == .int(3))
        guard case .failure(let error) = h.evaluate(next, ["n": .int(3)]) else {
            Issue.record("4 fitted in Small")
            return
        }
        #expect(error.message == "value 4 is outside the color `Small` (Int[0..3])")
        // Inside a record field too.
        let target = try #require(h.compile("{domain: shop, prio: n}", expected: TestColors.target))
        #expect(throws: EvaluationError.self) { try h.evaluate(target, ["n": .int(3)]).get() }
    }

    @Test func markingFunctionsDoNotOverflowSilently() throws {
        let h = Harness(context: .property)
        let huge: [(value: Value, count: Int)] = [(.record([.enumCase(0), .int(2)]), Int.max), (.record([.enumCase(1), .int(1)]), 1)]
        let marking = FakeMarking(places: [huge])
        for text in ["size(queue) > 0", "sum(queue, t => t.prio) > 0", "count(queue, t => true) > 0"] {
            let compiled = try #require(h.compile(text))
            #expect(throws: EvaluationError.self, "\(text)") { try h.evaluate(compiled, marking: marking).get() }
        }
        let small = FakeMarking(places: [[(.record([.enumCase(0), .int(2)]), 3)]])
        let sum = try #require(h.compile("sum(queue, t => t.prio)"))
        #expect(try h.evaluate(sum, marking: small).get() == .int(6))
        let size = try #require(h.compile("size(queue)"))
        #expect(try h.evaluate(size, marking: small).get() == .int(3))
    }

    /// The parser's depth limit leaves the compiler and the evaluator enough
    /// stack, even in a debug build on a test thread.
    @Test func deepestAcceptedExpressionsCompileAndEvaluate() throws {
        let limit = ExpressionParser.maximumDepth
        let h = Harness(variables: [("a", .anyInt)])
        let sum = try #require(h.compile(Array(repeating: "a", count: limit - 1).joined(separator: " + ")))
        #expect(try h.evaluate(sum, ["a": .int(2)]).get() == .int(2 * (limit - 1)))
        let negations = try #require(h.compile(String(repeating: "-", count: limit - 2) + "a"))
        #expect(try h.evaluate(negations, ["a": .int(5)]).get() == .int(5))
        let conditions = try #require(h.compile(String(repeating: "if a > 0 then ", count: limit / 2 - 1) + "a"
                                                + String(repeating: " else 0", count: limit / 2 - 1)))
        #expect(try h.evaluate(conditions, ["a": .int(7)]).get() == .int(7))
    }

    @Test func constantFailuresAreFoundWhenCompiling() {
        for text in ["9223372036854775807 + 1", "-9223372036854775807 - 2", "2 ** 64", "1 / 0", "5 % 0", "abs(-9223372036854775807 - 1)"] {
            let h = Harness(context: .constant)
            #expect(h.compile(text) == nil, "`\(text)`")
            #expect(h.codes == [.constantEvaluation], "`\(text)`: \(h.codes)")
        }
    }
}
