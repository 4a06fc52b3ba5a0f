import CPNDiagnostics
import CPNLoad
import CPNModel
import Testing

/// A line and column in a net file (`Testing` has a `SourceLocation` too).
private typealias FileLocation = CPNDiagnostics.SourceLocation

/// Loads `yaml`, expecting it to check.
private func load(_ yaml: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> CheckedNet? {
    let result = NetLoader.load(text: yaml, path: "net.yaml")
    #expect(!result.hasErrors, "\(result.diagnostics.map { "\($0.span.map(\.description) ?? "-"): \($0.message)" })",
            sourceLocation: sourceLocation)
    return result.checked
}

/// The diagnostics of `yaml`, which must not check.
private func problems(_ yaml: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Diagnostic] {
    let result = NetLoader.load(text: yaml, path: "net.yaml")
    #expect(result.checked == nil && result.hasErrors, "expected an error", sourceLocation: sourceLocation)
    return result.diagnostics
}

/// Line and column (counted in Unicode scalars, from 1) where `needle`
/// starts in `text`, looking from `after` on the line where it appears.
private func position(of needle: String, in text: String, after marker: String? = nil) -> FileLocation? {
    // Split scalars, not Characters: "\r\n" is a single Character.
    for (index, line) in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let scalars = Array(line), wanted = Array(needle.unicodeScalars)
        var from = 0
        if let marker {
            let m = Array(marker.unicodeScalars)
            guard let at = (0...max(0, scalars.count - m.count)).first(where: { scalars.count >= m.count && Array(scalars[$0..<$0 + m.count]) == m })
            else { continue }
            from = at + m.count
        }
        guard scalars.count >= wanted.count, from <= scalars.count - wanted.count else { continue }
        if let at = (from...(scalars.count - wanted.count)).first(where: { Array(scalars[$0..<$0 + wanted.count]) == wanted }) {
            return FileLocation(line: index + 1, column: at + 1)
        }
    }
    return nil
}

/// A one-place, one-transition net around a guard written as `guardYAML`
/// (the text after `guard:`, possibly several lines).
private func netWithGuard(_ guardYAML: String) -> String {
    """
    cpn: 1
    colors:
      Job: { record: { kind: { enum: [fetch, parse] }, attempt: { int: [0, 3] } } }
    places:
      queue: { color: Job, initial: ["{kind: fetch, attempt: 0}"] }
    transitions:
      retry:
        in: { queue: j }
        out: { queue: j }
        guard: \(guardYAML)

    """
}

@Suite struct NetLoaderTests {
    // MARK: Shorthands and counts

    @Test func shorthandPlaceNamesItsColor() throws {
        let net = try #require(load("""
            cpn: 1
            colors:
              Proxy: { enum: [p1, p2] }
            places:
              idle: Proxy
              flag: Bool
              pair: "(Proxy, Bool)"
            transitions:
              t: { in: { idle: p, flag: b }, out: { pair: "(p, b)" } }
            """))
        #expect(net.places.map(\.name) == ["idle", "flag", "pair"])
        #expect(net.places[0].color.cases == ["p1", "p2"])
        #expect(net.places[1].color == .bool)
        #expect(net.places[2].color.components?.count == 2)
        #expect(net.places.allSatisfy { $0.initial.isEmpty && $0.capacity == nil })
    }

    @Test func bareIntegersOnUnitPlacesCountTokens() throws {
        let net = try #require(load("""
            cpn: 1
            places:
              ready: { color: Unit, initial: 3 }
              none: { color: Unit, initial: 0 }
              done: Unit
            transitions:
              work: { in: { ready: 2 }, out: { done: 1, none: 4 } }
            """))
        let ready = try #require(net.places.first { $0.name == "ready" })
        #expect(ready.initial.map { [$0.count, $0.delay] } == [[3, 0]] && ready.initial.first?.value == .unit)
        #expect(net.places.first { $0.name == "none" }?.initial.isEmpty == true)
        let work = net.transitions[0]
        #expect(work.inputs.map(\.count) == [2])
        #expect(work.outputs.map(\.count).sorted() == [1, 4])
    }

    @Test func negativeBareIntegersAreBadCounts() {
        let yaml = """
            cpn: 1
            places:
              ready: { color: Unit, initial: -2 }
            transitions:
              work: { in: { ready: -1 }, out: { ready: 1 } }
            """
        let found = problems(yaml)
        #expect(found.map(\.code) == [.badInteger, .badInteger], "\(found.map(\.message))")
        #expect(found.first?.message == "a place cannot start with -2 tokens")
        #expect(found.first?.span?.start == position(of: "-2", in: yaml))
    }

    @Test func tokenWithCount() throws {
        let net = try #require(load("""
            cpn: 1
            colors:
              N: { int: [0, 3] }
            places:
              slots: { color: N, initial: [{ token: 1, count: 3 }, 2, { token: "1 + 1" }], capacity: 5 }
              out: N
            transitions:
              take: { in: { slots: [{ token: n, count: 2 }] }, out: { out: n } }
            """))
        let slots = net.places[0]
        #expect(slots.capacity == 5)
        #expect(slots.initial.map(\.count) == [3, 1, 1])
        #expect(slots.initial.map(\.value) == [.int(1), .int(2), .int(2)])
        #expect(net.transitions[0].inputs.map(\.count) == [2])
    }

    @Test func zeroCountIsRefused() {
        let yaml = """
            cpn: 1
            places:
              a: { color: Bool, initial: [{ token: "true", count: 0 }] }
            """
        let found = problems(yaml)
        #expect(found.map(\.code) == [.badInteger])
        #expect(found.first?.span?.start == position(of: "0 }", in: yaml))
    }

    @Test func delayedInitialTokensAndOutputs() throws {
        let net = try #require(load("""
            cpn: 1
            places:
              later: { color: Bool, initial: ["true @+ 3"] }
              done: Bool
            transitions:
              move: { in: { later: b }, out: { done: "b @+ 2 * 2" } }
            """))
        #expect(net.places[0].initial.map { [$0.count, $0.delay] } == [[1, 3]] && net.places[0].initial.first?.value == .bool(true))
        #expect(net.transitions[0].outputs.first?.delay?.constant == .int(4))
    }

    // MARK: Block scalars

    @Test func foldedAndLiteralBlockScalarsAreExpressions() throws {
        let net = try #require(load("""
            cpn: 1
            places:
              a: { color: Unit, initial: 2 }
            transitions:
              t:
                in: { a: 1 }
                out: { a: 1 }
                guard: >-
                  true &&
                  1 < 2
            invariants:
              kept: |
                size(a) == 2 &&
                size(a) >= 0
            final: >
              size(a) == 2
            """))
        #expect(net.transitions[0].guardExpr?.constant == .bool(true))
        #expect(net.invariants.map(\.name) == ["kept"])
        #expect(net.final != nil)
    }

    // MARK: Column mapping

    @Test func plainScalarColumns() throws {
        let yaml = netWithGuard("j.atempt < 3")
        let d = try #require(problems(yaml).first)
        #expect(d.code == .unknownField)
        #expect(d.span?.start == position(of: "j.atempt", in: yaml))
        #expect(d.span?.length == "j.atempt".count)
    }

    @Test func doubleQuotedColumnsThroughEscapes() throws {
        // `\t` and `\u006A` (j) are two and six characters in the file but one in the value.
        let yaml = netWithGuard(#""j.attempt\t< 3 && \u006A.kind == fetch && j.knd == parse""#)
        let d = try #require(problems(yaml).first)
        #expect(d.code == .unknownField)
        #expect(d.span?.start == position(of: "j.knd", in: yaml))
    }

    @Test func doubleQuotedColumnsAfterAnEscapedQuote() throws {
        let yaml = netWithGuard(#""j.kind == fetch && \"x\" == j""#)
        let d = try #require(problems(yaml).first)
        #expect(d.code == .expressionSyntax)
        #expect(d.span?.start == position(of: #"\"x"#, in: yaml))
    }

    @Test func singleQuotedColumnsThroughDoubledQuotes() throws {
        let yaml = netWithGuard("'j.kind == fetch && ''x'' == j'")
        let d = try #require(problems(yaml).first)
        #expect(d.code == .expressionSyntax)
        #expect(d.span?.start == position(of: "''x", in: yaml))
    }

    @Test func multiLineDoubleQuotedScalarFoldsOntoTheNextLine() throws {
        let yaml = netWithGuard("\"j.attempt < 3 &&\n      j.kinds == fetch\"")
        let d = try #require(problems(yaml).first)
        #expect(d.code == .unknownField)
        #expect(d.span?.start == position(of: "j.kinds", in: yaml))
    }

    @Test func escapedLineBreakInDoubleQuotes() throws {
        let yaml = netWithGuard("\"j.attempt < 3 && j.ki\\\n      nd == fetch && j.atempt > 0\"")
        let d = try #require(problems(yaml).first)
        #expect(d.code == .unknownField)
        #expect(d.span?.start == position(of: "j.atempt", in: yaml))
    }

    @Test func foldedBlockScalarColumns() throws {
        let yaml = netWithGuard(">-\n      j.attempt < 3 &&\n      j.kind == fetch &&\n      j.kind != prase")
        let d = try #require(problems(yaml).first)
        #expect(d.code == .unboundVariable)
        #expect(d.span?.start == position(of: "prase", in: yaml))
    }

    @Test func literalBlockScalarColumns() throws {
        let yaml = netWithGuard("|\n      j.attempt < 3 &&\n      j.kind ==\n        fetsh")
        let d = try #require(problems(yaml).first)
        #expect(d.code == .unboundVariable)
        #expect(d.span?.start == position(of: "fetsh", in: yaml))
    }

    @Test func multiLinePlainScalarColumns() throws {
        let yaml = netWithGuard("j.attempt < 3 &&\n      j.kind == fetch &&\n      j.atempt > 0")
        let d = try #require(problems(yaml).first)
        #expect(d.span?.start == position(of: "j.atempt", in: yaml))
    }

    @Test func crlfLineEndings() throws {
        let yaml = netWithGuard("\"j.attempt < 3 && j.kind == fetsh\"").replacingOccurrences(of: "\n", with: "\r\n")
        let result = NetLoader.load(text: yaml, path: "net.yaml")
        let d = try #require(result.diagnostics.first)
        #expect(d.span?.start == position(of: "fetsh", in: yaml))
        // The excerpt line exists and has no carriage return.
        let line = try #require(result.source?.line(d.span?.start.line ?? 0))
        #expect(line.contains("fetsh") && !line.unicodeScalars.contains("\r"))
    }

    @Test func columnsCountScalarsNotBytes() throws {
        let yaml = """
            cpn: 1
            places:
              done: { description: "fertig ✓ — erledigt", color: Jbo }
            """
        let d = try #require(problems(yaml).first)
        #expect(d.code == .unknownColor)
        #expect(d.span?.start == FileLocation(line: 3, column: 54))
        #expect(d.span?.start == position(of: "Jbo", in: yaml))
    }

    // MARK: Reporting

    @Test func everyProblemIsReportedInReadingOrder() {
        let yaml = """
            cpn: 1
            colors:
              Worker: { enum: [w1, w2] }
            places:
              idle: { color: Wroker, initial: [w1] }
              busy: { color: Worker, capacity: -1 }
            transitions:
              start: { in: { idel: w }, out: { busy: w } }
            final: "size(busy)"
            """
        let found = problems(yaml)
        #expect(found.map(\.code) == [.unknownColor, .invalidCapacity, .unknownPlace, .notBool], "\(found.map(\.message))")
        let starts = found.compactMap { $0.span?.start }
        #expect(starts == starts.sorted())
        #expect(found.map(\.help).allSatisfy { $0 != nil } || found.last?.code == .notBool)
    }

    @Test func warningsAloneLeaveTheNetChecked() throws {
        let result = NetLoader.load(text: """
            cpn: 1
            places:
              a: { color: Bool, initial: ["true"] }
              spare: Bool
            transitions:
              t: { in: { a: x }, out: { a: "true" } }
            """, path: "net.yaml")
        #expect(result.checked != nil)
        #expect(Set(result.diagnostics.map(\.code)) == [.unusedPlace, .unusedVariable])
        #expect(result.warningCount == 2 && result.errorCount == 0)
    }

    /// A declaration that fails is reported once, where it is; its uses are silent.
    @Test func failedDeclarationsDoNotCascade() {
        let found = problems("""
            cpn: 1
            constants:
              LIMIT: UNKNOWN + 1
            colors:
              Job: { record: { n: { int: [0, LIMIT] } } }
              Bad: [a, b]
            places:
              queue: { color: Job }
              broken: [Job]
              other: { color: Bad }
            transitions:
              t: { in: { queue: j, broken: b, other: o }, out: { queue: j } }
            invariants:
              i: "size(broken) + size(queue) >= 0"
            """)
        #expect(found.map(\.code) == [.unknownName, .wrongYAMLType, .wrongYAMLType], "\(found.map(\.message))")
    }

    @Test func yamlErrorAtTheEndOfAFileWithoutFinalNewlineStaysInside() throws {
        let text = "cpn: 1\nplaces: { a: Unit"
        let d = try #require(problems(text).first)
        #expect(d.code == .yamlSyntax)
        #expect(d.span?.start.line == 2)
        #expect((d.span?.start.column ?? 0) <= "places: { a: Unit".count + 1)
    }
}
