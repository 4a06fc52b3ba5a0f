import Foundation
import Testing

/// The invalid-input corpus: every `Tests/Fixtures/invalid/NAME.yaml` is checked
/// with `cpn-author check NAME.yaml --color never` from the repository root, and
/// its output (stdout, then stderr) must equal `NAME.expected` byte for byte.
/// An optional `NAME.args` sidecar gives extra arguments (`args: --deny-warnings`)
/// and the expected exit status (`exit: 0`; 2 when absent).
///
/// After an intended change to a message, regenerate the goldens with
/// `scripts/update-goldens.sh .build/debug/cpn-author` and review the diff.
@Suite struct InvalidFixtureTests {
    static let directory = "Tests/Fixtures/invalid"
    static let fixtures = CLI.files(under: directory, suffix: ".yaml")

    /// What a fixture's sidecar asks for.
    struct Sidecar {
        var arguments: [String] = []
        var exitStatus: Int32 = 2

        init(path: String) throws {
            let url = CLI.repositoryRoot.appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: url.path) else { return }
            for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2 else { continue }
                switch parts[0] {
                case "args": arguments = parts[1].split(separator: " ").map(String.init)
                case "exit":
                    guard let status = Int32(parts[1]) else {
                        Issue.record("\(path): `exit:` must be a number, found \(parts[1])")
                        continue
                    }
                    exitStatus = status
                default: Issue.record("\(path): unknown sidecar key `\(parts[0])` (the keys are `args` and `exit`)")
                }
            }
        }
    }

    @Test func corpusIsLargeEnough() {
        #expect(Self.fixtures.count >= 45, "expected at least 45 fixtures under \(Self.directory), found \(Self.fixtures.count)")
    }

    @Test(arguments: fixtures)
    func outputMatchesGolden(fixture: String) throws {
        let base = String(fixture.dropLast(".yaml".count))
        let sidecar = try Sidecar(path: base + ".args")
        let goldenURL = CLI.repositoryRoot.appendingPathComponent(base + ".expected")
        let golden = try #require(try? String(contentsOf: goldenURL, encoding: .utf8),
                                  "\(base).expected is missing: run scripts/update-goldens.sh .build/debug/cpn-author")

        let run = try CLI.run(["check", fixture, "--color", "never"] + sidecar.arguments)
        let output = run.stdout + run.stderr

        #expect(run.status == sidecar.exitStatus,
                "\(fixture): exit status \(run.status), expected \(sidecar.exitStatus)\n\(output)")
        #expect(output == golden, """
            \(fixture): output differs from \(base).expected \
            (if the change is intended, run scripts/update-goldens.sh .build/debug/cpn-author and review the diff)
            \(LineDiff.render(expected: golden, actual: output))
            """)
        // Whatever the input, a report and never a crash report.
        #expect(!output.contains("Program crashed") && !output.contains("Fatal error"), "\(fixture) crashed:\n\(output)")
    }

    /// Every diagnostic location in the goldens names its file with a line and
    /// a column, both at least 1.
    @Test(arguments: fixtures)
    func locationsHaveLineAndColumn(fixture: String) throws {
        let golden = try String(contentsOf: CLI.repositoryRoot.appendingPathComponent(
            String(fixture.dropLast(".yaml".count)) + ".expected"), encoding: .utf8)
        let arrows = golden.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("-->") }
        for arrow in arrows {
            let location = arrow.split(separator: " ").last.map(String.init) ?? ""
            let parts = location.split(separator: ":")
            #expect(parts.count == 3 && parts[0] == Substring(fixture), "\(fixture): location `\(location)` is not file:line:col")
            if parts.count == 3 {
                #expect((Int(parts[1]) ?? 0) >= 1 && (Int(parts[2]) ?? 0) >= 1, "\(fixture): bad location `\(location)`")
            }
        }
    }

    /// The corpus triggers every code `cpn-author explain` lists, except those
    /// that no file in a repository can trigger: an unreadable file (E0001) and
    /// one over 8 MiB (E0002), which `HostileInputTests` covers.
    @Test func corpusCoversEveryDiagnosticCode() throws {
        let listing = try CLI.run(["explain"])
        #expect(listing.status == 0)
        let catalog = Set(listing.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
            .filter { $0.count == 5 && ($0.hasPrefix("E") || $0.hasPrefix("W")) })
        #expect(catalog.count >= 40, "explain listed only \(catalog.count) codes")
        var seen = Set<String>()
        for fixture in Self.fixtures {
            let golden = try String(contentsOf: CLI.repositoryRoot.appendingPathComponent(
                String(fixture.dropLast(".yaml".count)) + ".expected"), encoding: .utf8)
            for line in golden.split(separator: "\n") {
                for prefix in ["error[", "warning["] where line.hasPrefix(prefix) {
                    seen.insert(String(line.dropFirst(prefix.count).prefix(5)))
                }
            }
        }
        // E0001/E0002 need a missing or huge file; E0501 is PNML's (CPNInteropTests and
        // SpecsAgreementTests cover it): this corpus is YAML.
        let missing = catalog.subtracting(seen).subtracting(["E0001", "E0002", "E0501"]).sorted()
        #expect(missing.isEmpty, "no fixture triggers \(missing.joined(separator: ", "))")
        let unknown = seen.subtracting(catalog).sorted()
        #expect(unknown.isEmpty, "goldens mention codes `explain` does not list: \(unknown.joined(separator: ", "))")
    }
}

/// A line diff for failure messages: `-` lines only in the golden, `+` lines
/// only in the output, a little context around each change.
enum LineDiff {
    static func render(expected: String, actual: String, context: Int = 2) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Longest common subsequence table, from the ends (outputs are small).
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var lines: [(mark: Character, text: String)] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                lines.append((" ", a[i])); i += 1; j += 1
            } else if i < a.count, j == b.count || lcs[i + 1][j] >= lcs[i][j + 1] {
                lines.append(("-", a[i])); i += 1
            } else {
                lines.append(("+", b[j])); j += 1
            }
        }
        let changed = lines.indices.filter { lines[$0].mark != " " }
        guard !changed.isEmpty else { return "(no line differs; check trailing whitespace or newlines)" }
        var out = "--- \(expected.isEmpty ? "(empty golden)" : "expected")\n+++ actual\n"
        var lastShown = -1
        for index in lines.indices where changed.contains(where: { abs($0 - index) <= context }) {
            if lastShown >= 0, index > lastShown + 1 { out += "...\n" }
            out += "\(lines[index].mark) \(lines[index].text)\n"
            lastShown = index
        }
        return out
    }
}
