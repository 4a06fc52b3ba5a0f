import CPNConformance
import CPNDiagnostics
import CPNLoad
import Foundation
import Testing

/// The mapping file's diagnostics: every mistake at its line and column, with a hint.
@Suite struct MappingTests {
    enum Parsed { case success(ConformanceMap), failure([Diagnostic]) }

    func parse(_ text: String) -> Parsed {
        switch ConformanceMapLoader.parse(SourceFile(path: "map.yaml", text: text)) {
        case .success(let m): .success(m)
        case .failure(let d): .failure(d.items)
        }
    }

    @Test func unknownKeysAndBadPathsAreReportedTogether() throws {
        guard case .failure(let d) = parse("""
            conform: 1
            evnts: {}
            case: url
            silent_depth: 99
            """) else { Issue.record("accepted"); return }
        #expect(d.map(\.code) == [.unknownKey, .wrongYAMLType, .badInteger])
        #expect(d[0].span?.start == SourceLocation(line: 2, column: 1))
        #expect(d[0].help == "did you mean `events`?")
        #expect(d[1].span?.start == SourceLocation(line: 3, column: 7))
    }

    @Test func namesAreCheckedAgainstTheNet() throws {
        let net = try #require(NetLoader.load(text: ReplayTests.scraper, path: "net.yaml").checked)
        guard case .success(let m) = parse("""
            conform: 1
            events:
              go: { transition: strat, bind: { j.id: $.job } }
              end: { transition: finish, bind: { j.idd: $.job, q: $.proxy } }
            final: { dne: 1 }
            """) else { Issue.record("refused"); return }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(getpid()).jsonl").path
        _ = FileManager.default.createFile(atPath: log, contents: Data())
        guard case .failure(.mapping(let d)) = ConformanceCheck.attempt(net: net, netFile: "net.yaml", log: log, map: m) else {
            Issue.record("the mapping was accepted"); return
        }
        do {
            let messages = d.map(\.message)
            #expect(messages.contains("the net has no transition `strat`"))
            #expect(d.first { $0.message.contains("strat") }?.help == "did you mean `start`?")
            #expect(messages.contains { $0.contains("no field `idd`") })
            #expect(messages.contains("transition `finish` has no variable `q`"))
            #expect(messages.contains("the net has no place `dne`"))
            #expect(d.allSatisfy { $0.span?.file == "map.yaml" })
        }
    }

    @Test func aVersionIsRequired() {
        guard case .failure(let d) = parse("events: {}\n") else { Issue.record("accepted"); return }
        #expect(d.map(\.code) == [.missingKey])
    }
}
