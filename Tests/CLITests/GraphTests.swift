import Foundation
import Testing

/// `cpn-author graph`: DOT and Mermaid (byte for byte in ReportFormatTests'
/// goldens), output files, traces that do not fit, and Graphviz accepting the DOT.
@Suite struct GraphTests {
    static let directory = ReportFormatTests.directory

    @Test func writesToAFileWhatItPrints() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("net.mmd").path
        let printed = try CLI.run(["graph", "passing.yaml", "--format", "mermaid"], in: Self.directory)
        let written = try CLI.run(["graph", "passing.yaml", "--format", "mermaid", "-o", out], in: Self.directory)
        #expect(printed.status == 0 && written.status == 0)
        #expect(written.stdout.isEmpty)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == printed.stdout)
        #expect(printed.stdout.hasPrefix("flowchart LR\n"))
    }

    @Test func aTraceFromAnotherNetIsRefusedWithTheStepThatDoesNotFit() throws {
        let run = try CLI.run(["graph", "passing.yaml", "--trace", "failing.trace.json"], in: Self.directory)
        #expect(run.status == 2)
        #expect(run.stderr.contains("failing.trace.json: step 1 fires `acquire`, which passing.yaml does not have"), "\(run.stderr)")
        let missing = try CLI.run(["graph", "passing.yaml", "--trace", "nope.json"], in: Self.directory)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read the trace: no such file: nope.json"), "\(missing.stderr)")
        let notATrace = try CLI.run(["graph", "passing.yaml", "--trace", "passing.sarif"], in: Self.directory)
        #expect(notATrace.status == 2)
        #expect(notATrace.stderr.contains("is not a cpn-author trace"), "\(notATrace.stderr)")
    }

    @Test func anInvalidNetIsReportedNotDrawn() throws {
        let run = try CLI.run(["graph", "invalid.yaml"], in: Self.directory)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("error[E0201]"))
    }

    static let hasGraphviz = FileManager.default.isExecutableFile(atPath: "/usr/bin/dot")

    /// Graphviz parses what we write (when installed; `apt-get install graphviz`).
    @Test(.enabled(if: hasGraphviz)) func graphvizRendersTheDOT() throws {
        for name in ["passing.dot", "failing.dot"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/dot")
            process.arguments = ["-Tsvg", Self.directory.appendingPathComponent(name).path, "-o", "/dev/null"]
            let err = Pipe()
            process.standardError = err
            try process.run()
            process.waitUntilExit()
            let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 0 && message.isEmpty, "dot rejected \(name): \(message)")
        }
    }
}
