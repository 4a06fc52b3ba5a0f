import Foundation
import Testing

/// Inputs built to break a parser: huge, deep, long, binary, or not files at
/// all. Each is generated in a temporary directory (none is committed), and
/// each must be refused the ordinary way: exit status 2, a diagnostic with
/// its code that names the file, and never a crash, a trap, a stack overflow
/// or a hang (`CLI.run` kills a run that hangs and fails the test with "hung";
/// how fast a refusal is belongs to `make bench`, not to a test).
@Suite struct HostileInputTests {
    /// Writes `contents` to a fresh temporary directory as `name`.
    static func write(_ contents: Data, named name: String) throws -> (file: URL, directory: URL) {
        let directory = try CLI.scratchDirectory()
        let file = directory.appendingPathComponent(name)
        try contents.write(to: file)
        return (file, directory)
    }

    static func write(_ text: String, named name: String) throws -> (file: URL, directory: URL) {
        try write(Data(text.utf8), named: name)
    }

    /// Runs `check` (report on stdout) and, when asked, `verify` (report on
    /// stderr) on `path` and expects each to refuse it with `code`.
    @discardableResult
    static func expectRefused(_ path: String, code: String,
                              commands: [String] = ["check", "verify"],
                              sourceLocation: SourceLocation = #_sourceLocation) throws -> [CLIRun] {
        var runs: [CLIRun] = []
        for command in commands {
            let run = try CLI.run([command, path, "--color", "never"])
            let report = command == "check" ? run.stdout : run.stderr
            let all = run.stdout + run.stderr
            let excerpt = String(all.prefix(2_000))
            #expect(run.status == 2, "\(command): exit status \(run.status)\n\(excerpt)", sourceLocation: sourceLocation)
            #expect(report.contains("[\(code)]"), "\(command): no \(code) in its report\n\(excerpt)", sourceLocation: sourceLocation)
            #expect(report.contains(path), "\(command): the report does not name \(path)\n\(excerpt)", sourceLocation: sourceLocation)
            for sign in ["Program crashed", "Fatal error", "Backtracing", "runtime failure"] {
                #expect(!all.contains(sign), "\(command) crashed:\n\(excerpt)", sourceLocation: sourceLocation)
            }
            runs.append(run)
        }
        return runs
    }

    /// The longest line of an output, in characters.
    static func widestLine(_ text: String) -> Int {
        text.split(separator: "\n").map(\.count).max() ?? 0
    }

    @Test func fiftyMegabyteFileIsRefused() throws {
        let line = Data("# filler line of a file far beyond the 8 MiB limit ......................\n".utf8)
        var data = Data(capacity: 50 << 20)
        while data.count < 50 << 20 { data.append(line) }
        let (file, directory) = try Self.write(data, named: "huge.yaml")
        defer { try? FileManager.default.removeItem(at: directory) }
        let runs = try Self.expectRefused(file.path, code: "E0002")
        #expect(runs[0].stdout.contains("limited to 8.0 MiB"), "\(runs[0].stdout)")
    }

    @Test func tenThousandNestedFlowLists() throws {
        let (file, directory) = try Self.write("cpn: 1\nplaces: {}\nname: " + String(repeating: "[", count: 10_000)
                                                 + String(repeating: "]", count: 10_000) + "\n", named: "brackets.yaml")
        defer { try? FileManager.default.removeItem(at: directory) }
        let runs = try Self.expectRefused(file.path, code: "E0006")
        #expect(Self.widestLine(runs[0].stdout) < 200, "the excerpt of a 20,000-column line is not windowed")
    }

    @Test func tenThousandNestedBlockSequences() throws {
        let (file, directory) = try Self.write(String(repeating: "- ", count: 10_000) + "x\n", named: "dashes.yaml")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.expectRefused(file.path, code: "E0006")
    }

    @Test func tenThousandNestedParenthesesInAnExpression() throws {
        let expression = String(repeating: "(", count: 10_000) + "true" + String(repeating: ")", count: 10_000)
        let (file, directory) = try Self.write("""
            cpn: 1
            places:
              a: { color: Unit, initial: 1 }
            transitions:
              t: { in: { a: 1 }, out: { a: 1 }, guard: "\(expression)" }

            """, named: "parens.yaml")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.expectRefused(file.path, code: "E0006")
    }

    @Test func tenThousandTermSum() throws {
        let sum = Array(repeating: "size(a)", count: 10_000).joined(separator: " + ")
        let (file, directory) = try Self.write("""
            cpn: 1
            places:
              a: { color: Unit, initial: 1 }
            transitions:
              t: { in: { a: 1 }, out: { a: 1 } }
            invariants:
              big: "\(sum) > 0"

            """, named: "sum.yaml")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.expectRefused(file.path, code: "E0006")
    }

    @Test func thousandChainedColors() throws {
        var text = "cpn: 1\ncolors:\n"
        for i in 0..<1_000 { text += "  C\(i): \"(C\(i + 1), Bool)\"\n" }
        text += "  C1000: Bool\nplaces:\n  a: { color: C0 }\n"
        let (file, directory) = try Self.write(text, named: "colors.yaml")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.expectRefused(file.path, code: "E0006")
    }

    /// 100,000 places (3.8 MB, under the size limit) load; the one error is found.
    @Test func hundredThousandPlaces() throws {
        var text = "cpn: 1\nplaces:\n"
        text.reserveCapacity(4 << 20)
        for i in 0..<100_000 { text += "  p\(i): { color: Unit, initial: 1 }\n" }
        text += "transitions:\n  t: { in: { p0: 1 }, out: { p1: 1, nowhere: 1 } }\n"
        let (file, directory) = try Self.write(text, named: "places.yaml")
        defer { try? FileManager.default.removeItem(at: directory) }
        let runs = try Self.expectRefused(file.path, code: "E0401", commands: ["check"])
        #expect(runs[0].stdout.contains("unknown place `nowhere`"), "\(runs[0].stdout.prefix(1_000))")
    }

    /// An error at the end of a 1 MB line: the excerpt is cut to a window
    /// around the caret, and the column is exact.
    @Test func megabyteLineWithErrorAtTheEnd() throws {
        let filler = String(repeating: "x", count: 1_000_000)
        let (file, directory) = try Self.write("""
            cpn: 1
            places:
              a: { color: Unit, initial: 1 }
            transitions:
              t: { in: { a: 1 }, out: { a: 1 }, description: "\(filler)", guard: "tru" }

            """, named: "long.yaml")
        defer { try? FileManager.default.removeItem(at: directory) }
        let runs = try Self.expectRefused(file.path, code: "E0403")
        let column = "  t: { in: { a: 1 }, out: { a: 1 }, description: \"".count + filler.count + "\", guard: \"".count + 1
        #expect(runs[0].stdout.contains("long.yaml:5:\(column)"), "\(runs[0].stdout)")
        for run in runs {
            #expect(Self.widestLine(run.stdout + run.stderr) < 200, "a line of the report is too wide")
        }
    }

    /// A 1 MB name is quoted in the message: the message shortens it.
    @Test func megabyteNameInAMessage() throws {
        let name = String(repeating: "v", count: 1_000_000)
        let (file, directory) = try Self.write("""
            cpn: 1
            places:
              a: { color: Unit, initial: 1 }
            transitions:
              t: { in: { a: 1 }, out: { a: 1 }, guard: "\(name)" }

            """, named: "name.yaml")
        defer { try? FileManager.default.removeItem(at: directory) }
        let runs = try Self.expectRefused(file.path, code: "E0403")
        for run in runs {
            #expect(Self.widestLine(run.stdout + run.stderr) < 300, "a message line is too wide")
        }
    }

    @Test func megabyteKey() throws {
        let (file, directory) = try Self.write("cpn: 1\nplaces: {}\n" + String(repeating: "k", count: 1_000_000) + ": 1\n",
                                               named: "key.yaml")
        defer { try? FileManager.default.removeItem(at: directory) }
        let runs = try Self.expectRefused(file.path, code: "E0004")
        #expect(Self.widestLine(runs[0].stdout) < 200)
    }

    @Test func fileOfNulBytes() throws {
        let (file, directory) = try Self.write(Data(count: 4_096), named: "zeros.yaml")
        defer { try? FileManager.default.removeItem(at: directory) }
        let runs = try Self.expectRefused(file.path, code: "E0004")
        #expect(!runs[0].stdout.contains("\u{0}"), "raw NUL bytes in the report")
    }

    @Test func randomBinary() throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let (file, directory) = try Self.write(Data(bytes), named: "binary.yaml")
        defer { try? FileManager.default.removeItem(at: directory) }
        // Random bytes are almost never UTF-8; if they are, the YAML fails instead.
        let run = try CLI.run(["check", file.path, "--color", "never"])
        #expect(run.status == 2)
        #expect(run.stdout.contains("[E0003]") || run.stdout.contains("[E0004]"), "\(run.stdout.prefix(1_000))")
        #expect(run.stdout.contains(file.path))
    }

    /// A directory is searched for nets; one that holds none (only other YAML
    /// here) is a usage error, not a silent success.
    @Test func directoryWithoutNets() throws {
        let directory = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "key: value\n".write(to: directory.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        for command in ["check", "verify", "simulate"] {
            let run = try CLI.run([command, directory.path])
            #expect(run.status == 2, "\(command) exited \(run.status)")
            if command != "simulate" {
                #expect((run.stdout + run.stderr).contains("no net files"), "\(command): \(run.stdout)\(run.stderr)")
            }
        }
    }

    @Test func missingFile() throws {
        let directory = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("absent.yaml").path
        let runs = try Self.expectRefused(path, code: "E0001")
        #expect(runs[0].stdout.contains("no such file"))
    }

    @Test(.enabled(if: getuid() != 0, "root can read a file whatever its permissions"))
    func unreadableFile() throws {
        let (file, directory) = try Self.write("cpn: 1\nplaces: {}\n", named: "secret.yaml")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: file.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path) }
        try Self.expectRefused(file.path, code: "E0001")
    }
}

/// Nets near the size limit are checked in about linear time: a long chain of
/// places (filled one after the other, listed in reverse) and thousands of
/// unused-place warnings once cost a scan of everything per item, which took
/// over 300 s on a 4 MB net. The run's kill timeout (600 s) is the bound; a
/// quadratic checker blows through it at this size.
@Suite struct LargeNetTests {
    @Test func aLongReverseChainAndThousandsOfWarningsCheck() throws {
        let n = 40_000
        var lines = ["cpn: 1", "name: chain", "places:", "  p0: { color: Unit, initial: 1 }"]
        for i in 1..<n { lines.append("  p\(i): Unit") }
        for i in 0..<5_000 { lines.append("  unused\(i): Unit") }
        lines.append("transitions:")
        for i in stride(from: n - 1, to: 0, by: -1) { lines.append("  t\(i): { in: { p\(i - 1): 1 }, out: { p\(i): 1 } }") }
        let (file, directory) = try HostileInputTests.write(lines.joined(separator: "\n") + "\n", named: "chain.yaml")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try CLI.run(["check", file.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("ok (\(n + 5_000) places, \(n - 1) transitions, 0 invariants), 5000 warnings"), "\(run.stdout.suffix(300))")
    }
}
