import Foundation
import Testing

/// PNML the importer refuses: every `Tests/Fixtures/pnml/NAME.pnml` is checked with
/// `cpn-author check NAME.pnml --color never` from the repository root; the output
/// must equal `NAME.expected` byte for byte (regenerate with scripts/update-goldens.sh),
/// and `verify` and `convert` must refuse it too, with exit 2: a net that was not read
/// is never answered for.
@Suite struct PNMLFixtureTests {
    static let fixtures = CLI.files(under: "Tests/Fixtures/pnml", suffix: ".pnml")

    @Test func thereAreFixtures() {
        #expect(Self.fixtures.count >= 12, "\(Self.fixtures)")
    }

    @Test(arguments: fixtures)
    func checkOutputMatchesGolden(fixture: String) throws {
        let base = String(fixture.dropLast(".pnml".count))
        let golden = try #require(try? String(contentsOf: CLI.repositoryRoot.appendingPathComponent(base + ".expected"), encoding: .utf8),
                                  "\(base).expected is missing: run scripts/update-goldens.sh .build/debug/cpn-author")
        let run = try CLI.run(["check", fixture, "--color", "never"])
        let output = run.stdout + run.stderr
        #expect(run.status == 2, "\(fixture): exit \(run.status)\n\(output)")
        #expect(output == golden, "\(fixture):\n\(LineDiff.render(expected: golden, actual: output))")
        // Every location is the PNML file with a line and a column.
        for arrow in output.split(separator: "\n") where arrow.trimmingCharacters(in: .whitespaces).hasPrefix("-->") {
            let parts = (arrow.split(separator: " ").last.map(String.init) ?? "").split(separator: ":")
            #expect(parts.count == 3 && parts[0] == Substring(fixture), "\(fixture): location `\(arrow)`")
            #expect(parts.count == 3 && (Int(parts[1]) ?? 0) >= 1 && (Int(parts[2]) ?? 0) >= 1, "\(fixture): location `\(arrow)`")
        }
    }

    @Test(arguments: fixtures)
    func verifyAndConvertRefuseWithExitTwo(fixture: String) throws {
        let verify = try CLI.run(["verify", fixture, "--format", "json", "--no-timing"])
        #expect(verify.status == 2, "\(fixture): verify exited \(verify.status)\n\(verify.stdout)\(verify.stderr)")
        #expect(verify.stderr.contains("error[E0"), "\(fixture): \(verify.stderr)")
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("net.yaml")
        let convert = try CLI.run(["convert", fixture, "-o", out.path])
        #expect(convert.status == 2, "\(fixture): convert exited \(convert.status)\n\(convert.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "\(fixture): convert wrote a file it refused")
    }
}
