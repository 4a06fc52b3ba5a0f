import Foundation
import Testing

/// `verify` and `check` reports in every format, checked against the goldens of
/// Tests/Fixtures/reports (listed in its goldens.txt), several formats in one run,
/// many inputs (directories, patterns, parallel runs) and the option errors.
///
/// After an intended change to a report, regenerate the goldens with
/// `scripts/update-goldens.sh .build/debug/cpn-author` and review the diff.
@Suite struct ReportFormatTests {
    static let directory = CLI.repositoryRoot.appendingPathComponent("Tests/Fixtures/reports")

    struct Golden: CustomStringConvertible, Sendable {
        var name: String
        var status: Int32
        var arguments: [String]
        var description: String { name }
    }

    /// The lines of goldens.txt: `GOLDEN EXIT ARGUMENTS...`.
    static let goldens: [Golden] = {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("goldens.txt"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let name = fields.first, !name.hasPrefix("#"), fields.count >= 3, let status = Int32(fields[1]) else { return nil }
            return Golden(name: name, status: status, arguments: Array(fields.dropFirst(2)))
        }
    }()

    func read(_ name: String) -> String? {
        try? String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
    }

    @Test func everyFormatHasAGoldenOnAPassingAndAFailingNet() {
        let names = Set(Self.goldens.map(\.name))
        for net in ["passing", "failing"] {
            for suffix in ["txt", "json", "sarif", "junit.xml", "md", "github.txt"] {
                #expect(names.contains("\(net).\(suffix)"), "goldens.txt has no \(net).\(suffix)")
            }
        }
        #expect(names.contains("passing.dot") && names.contains("failing.mermaid"))
    }

    @Test(arguments: goldens)
    func outputMatchesGolden(golden: Golden) throws {
        let expected = try #require(read(golden.name), "\(golden.name) is missing: run scripts/update-goldens.sh .build/debug/cpn-author")
        let run = try CLI.run(golden.arguments, in: Self.directory)
        #expect(run.status == golden.status, "\(golden.name): exit \(run.status), expected \(golden.status)\n\(run.stderr)")
        #expect(run.stdout == expected, """
            \(golden.name) differs (if intended, run scripts/update-goldens.sh .build/debug/cpn-author and review the diff)
            \(LineDiff.render(expected: expected, actual: run.stdout))
            """)
        #expect(run.stderr == (read(golden.name + ".stderr") ?? ""), "\(golden.name).stderr differs:\n\(run.stderr)")
    }

    /// The graph goldens draw failing.trace.json: it must be what --trace-out writes today.
    @Test func theCommittedTraceIsWhatVerifyWrites() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("trace.json").path
        let run = try CLI.run(["verify", "failing.yaml", "--trace-out", out], in: Self.directory)
        #expect(run.status == 1)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == read("failing.trace.json"))
    }

    @Test func repeatedRunsGiveTheSameBytesInEveryMachineFormat() throws {
        for format in ["sarif", "junit", "markdown", "github", "json"] {
            let args = ["verify"] + ["failing.yaml", "erroneous.yaml", "passing.yaml"] + ["--format", format, "--no-timing"]
            let a = try CLI.run(args, in: Self.directory), b = try CLI.run(args, in: Self.directory)
            #expect(a.stdout == b.stdout, "\(format) differs between two runs")
        }
    }

    // MARK: - Several formats in one run

    @Test func severalFormatsInOneRunEachToItsFile() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sarif = dir.appendingPathComponent("r.sarif").path, junit = dir.appendingPathComponent("r.xml").path
        let github = dir.appendingPathComponent("annotations.txt").path
        // A comma list with its two files in order, FORMAT=FILE, and one format left for stdout.
        let run = try CLI.run(["verify", "failing.yaml", "--format", "sarif,junit", "--output", sarif, "--output", junit,
                               "--format", "markdown", "--output", "github=\(github)"], in: Self.directory)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout == read("failing.md"))
        #expect(try String(contentsOfFile: sarif, encoding: .utf8) == read("failing.sarif"))
        #expect(try String(contentsOfFile: junit, encoding: .utf8) == read("failing.junit.xml"))
        #expect(try String(contentsOfFile: github, encoding: .utf8) == read("failing.github.txt"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    /// Each --output belongs to the --format just before it, whatever comes first.
    @Test func outputsPairWithTheFormatJustBeforeThem() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sarif = dir.appendingPathComponent("r.sarif").path, md = dir.appendingPathComponent("c.md").path
        let run = try CLI.run(["verify", "failing.yaml", "--no-timing", "--format", "text", "--format=sarif", "-o", sarif,
                               "--format", "markdown", "--output=\(md)"], in: Self.directory)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout == read("failing.txt"), "text stays on standard output")
        #expect(try String(contentsOfFile: sarif, encoding: .utf8) == read("failing.sarif"))
        #expect(try String(contentsOfFile: md, encoding: .utf8) == read("failing.md"))
    }

    @Test func anOutputFileAloneTakesItsFormatFromTheExtension() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sarif = dir.appendingPathComponent("cpn.sarif").path
        let run = try CLI.run(["verify", "passing.yaml", "--output", sarif], in: Self.directory)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(try String(contentsOfFile: sarif, encoding: .utf8) == read("passing.sarif"))
    }

    @Test(arguments: [
        (["--format", "sarif", "--format", "junit"], "would share standard output"),
        (["--format", "pdf"], "unknown format `pdf`"),
        (["--format", "sarif", "--output", "a", "--output", "b"], "`--output b` follows no --format"),
        (["--format", "sarif,junit", "--output", "same", "--output", "same"], "same file"),
        (["--output", "report.bin"], "its extension names none"),
        (["--output", "a.sarif", "--output", "b.sarif"], "two --output files for format `sarif`"),
        (["--format", "sarif,sarif"], "requested twice"),
        (["--output", "sarif=a", "--output", "sarif=b"], "two --output files"),
    ])
    func badFormatOptionsExitTwoWithAReason(arguments: [String], message: String) throws {
        let run = try CLI.run(["verify", "passing.yaml"] + arguments, in: Self.directory)
        #expect(run.status == 2)
        #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
    }

    @Test func anUnwritableOutputExitsTwoWithAReason() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.sarif").path
        let run = try CLI.run(["verify", "passing.yaml", "--output", "sarif=\(good)",
                               "--output", "junit=\(dir.path)/missing/dir/r.xml"], in: Self.directory)
        #expect(run.status == 2)
        #expect(run.stderr.contains("cannot write") && run.stderr.contains("r.xml"), "\(run.stderr)")
    }

    // MARK: - Many inputs

    /// A tree with nets at two depths, a YAML file that is not a net, and a hidden net.
    func tree() throws -> URL {
        let dir = try CLI.scratchDirectory()
        let passing = try #require(read("passing.yaml")), failing = try #require(read("failing.yaml"))
        for (path, text) in [("nets/b.yaml", passing), ("nets/sub/a.yml", failing), ("nets/sub/deeper/c.yaml", passing),
                             ("nets/workflow.yaml", "name: ci\non: push\n"), ("nets/.hidden/d.yaml", failing),
                             ("nets/notes.txt", "cpn: 1\n")] {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func aDirectoryBringsInItsNetsSortedAndNothingElse() throws {
        let dir = try tree()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["verify", "nets", "--no-timing"], in: dir)
        #expect(run.status == 1)
        let verified = run.stdout.split(separator: "\n").filter { $0.hasPrefix("verify ") }.map { $0.split(separator: " ")[1] }
        #expect(verified == ["nets/b.yaml", "nets/sub/a.yml", "nets/sub/deeper/c.yaml"])
        #expect(run.stdout.hasSuffix("3 nets: 2 passed, 1 violated\n"))
    }

    @Test func quotedPatternsAreExpandedHere() throws {
        let dir = try tree()
        defer { try? FileManager.default.removeItem(at: dir) }
        let deep = try CLI.run(["check", "nets/**/*.yaml"], in: dir)
        #expect(deep.status == 0, "\(deep.stdout)\(deep.stderr)")
        #expect(deep.stdout.contains("nets/b.yaml: ok") && deep.stdout.contains("nets/sub/deeper/c.yaml: ok"))
        #expect(!deep.stdout.contains("a.yml") && !deep.stdout.contains("workflow"), "only .yaml nets match")
        let one = try CLI.run(["check", "nets/*/a.y?l"], in: dir)
        #expect(one.stdout.contains("nets/sub/a.yml: ok"), "\(one.stdout)")
        let none = try CLI.run(["verify", "nets/**/*.json"], in: dir)
        #expect(none.status == 2)
        #expect(none.stderr.contains("no net files match `nets/**/*.json`"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("empty"), withIntermediateDirectories: true)
        let empty = try CLI.run(["verify", "empty"], in: dir)
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("no net files in empty"))
    }

    @Test func manyNetsRunInParallelAndReportInInputOrder() throws {
        let names = ["unbounded.yaml", "passing.yaml", "deadlock.yaml", "failing.yaml", "erroneous.yaml", "passing.yaml"]
        let run = try CLI.run(["verify"] + names + ["--max-states", "2000", "--format", "json", "--no-timing"], in: Self.directory)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let files = (document["results"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String }
        #expect(files == ["unbounded.yaml", "passing.yaml", "deadlock.yaml", "failing.yaml", "erroneous.yaml"], "a file named twice is verified once")
        #expect(run.status == 1, "violated beats bounded")
        #expect(run.stderr == "5 nets: 1 passed, 4 violated\n", "unbounded.yaml is diagnosed unbounded (violated)")
    }

    @Test func theWorstExitCodeWins() throws {
        #expect(try CLI.run(["verify", "passing.yaml", "large.yaml", "--max-states", "50"], in: Self.directory).status == 3)
        #expect(try CLI.run(["verify", "passing.yaml", "large.yaml", "--max-states", "50", "--accept-bounded"], in: Self.directory).status == 0)
        #expect(try CLI.run(["verify", "large.yaml", "unbounded.yaml", "--max-states", "50"], in: Self.directory).status == 1)
        #expect(try CLI.run(["verify", "failing.yaml", "invalid.yaml", "--format", "sarif"], in: Self.directory).status == 2)
    }

    @Test func textIsColouredOnlyWhenAsked() throws {
        let plain = try CLI.run(["verify", "failing.yaml", "--no-timing"], in: Self.directory)
        #expect(!plain.stdout.contains("\u{1B}["))
        let auto = try CLI.run(["verify", "failing.yaml", "--no-timing", "--color", "auto"], in: Self.directory,
                               environment: ["NO_COLOR": ""])
        #expect(!auto.stdout.contains("\u{1B}["), "piped output stays plain")
        let forced = try CLI.run(["verify", "failing.yaml", "--no-timing", "--color", "always"], in: Self.directory)
        #expect(forced.stdout.contains("\u{1B}[1;31mVIOLATED\u{1B}[0m"))
        let file = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: file) }
        let path = file.appendingPathComponent("r.txt").path
        _ = try CLI.run(["verify", "failing.yaml", "--no-timing", "--color", "always", "--output", "text=\(path)"], in: Self.directory)
        #expect(!(try String(contentsOfFile: path, encoding: .utf8)).contains("\u{1B}["), "files are never coloured")
    }
}
