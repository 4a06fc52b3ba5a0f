import Foundation
import Testing

/// Inputs that are not regular files, and text built to deceive a terminal.
/// A FIFO with no writer, `/dev/zero`, `/proc/self/mem`, a symbolic link loop,
/// a dangling link: each command ends at once with exit 2 and says what the
/// path is (`CLI.run` fails a run that hangs with "hung"). Control and bidi
/// characters from a file name, a net or a trace are never echoed raw.
@Suite struct InputKindTests {
    static let commands: [[String]] = [["check"], ["verify"], ["graph"], ["simulate"]]

    static func expect(_ path: String, in directory: URL? = nil, says text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for command in commands {
            let run = try CLI.run(command + [path] + (["check", "verify"].contains(command[0]) ? ["--color", "never"] : []), in: directory)
            let all = run.stdout + run.stderr
            #expect(run.status == 2, "\(command[0]) \(path): exit \(run.status)\n\(all)", sourceLocation: sourceLocation)
            #expect(all.contains(text), "\(command[0]) \(path): no `\(text)` in\n\(all)", sourceLocation: sourceLocation)
            #expect(!all.contains("Fatal error") && !all.contains("Program crashed"), "\(all)", sourceLocation: sourceLocation)
        }
    }

    @Test func aFIFOWithoutAWriterDoesNotHang() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("net.yaml").path
        #expect(mkfifo(fifo, 0o600) == 0)
        try Self.expect(fifo, says: "is a named pipe (FIFO) and gave no data")
    }

    /// A FIFO with a writer is read as a stream, as `check <(generate)` needs.
    @Test func aFIFOWithAWriterIsRead() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("net.yaml").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let text = try String(contentsOf: CLI.repositoryRoot.appendingPathComponent("examples/polite-scraper/net.yaml"), encoding: .utf8)
        let writer = Thread { try? text.write(toFile: fifo, atomically: false, encoding: .utf8) }
        writer.start()
        let run = try CLI.run(["check", fifo])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains(": ok ("), "\(run.stdout)")
    }

    @Test func devZeroIsACharacterDeviceOverTheLimit() throws {
        try Self.expect("/dev/zero", says: "/dev/zero is a character device that gave more than 8.0 MiB")
    }

    @Test func procSelfMemIsAReadError() throws {
        try Self.expect("/proc/self/mem", says: "cannot read /proc/self/mem")
    }

    @Test func aSymbolicLinkLoopIsNamed() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        symlink("b.yaml", dir.appendingPathComponent("a.yaml").path)
        symlink("a.yaml", dir.appendingPathComponent("b.yaml").path)
        try Self.expect("a.yaml", in: dir, says: "a.yaml is a symbolic link loop")
    }

    @Test func aDanglingLinkSaysWhereItPoints() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        symlink("gone.yaml", dir.appendingPathComponent("net.yaml").path)
        try Self.expect("net.yaml", in: dir, says: "net.yaml is a symbolic link to `gone.yaml`, which does not exist")
    }

    /// A directory walk and a pattern look only into regular files: a FIFO named
    /// like a net is skipped, not opened (which would block).
    @Test func aDirectoryWithAFIFOInsideIsWalkedWithoutHanging() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(mkfifo(dir.appendingPathComponent("trap.yaml").path, 0o600) == 0)
        try FileManager.default.copyItem(at: CLI.repositoryRoot.appendingPathComponent("examples/lease-manager/net.yaml"),
                                         to: dir.appendingPathComponent("lease.yaml"))
        let run = try CLI.run(["check", dir.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("lease.yaml: ok"), "\(run.stdout)")
        let pattern = try CLI.run(["check", dir.path + "/*.yaml"])
        #expect(pattern.status == 0, "\(pattern.stdout)\(pattern.stderr)")
    }

    // MARK: - Text that would act on a terminal

    static let escape = "\u{1B}[2J\u{1B}]0;pwned\u{07}"
    static let override = "\u{202E}"

    static func expectInert(_ output: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!output.contains("\u{1B}"), "a raw ESC reached the output:\n\(output.debugDescription)", sourceLocation: sourceLocation)
        #expect(!output.contains(override), "a raw U+202E reached the output:\n\(output.debugDescription)", sourceLocation: sourceLocation)
        #expect(!output.contains("\u{07}"), "a raw BEL reached the output", sourceLocation: sourceLocation)
    }

    /// A file whose name holds an ANSI sequence and a right-to-left override.
    @Test func aFileNameWithControlsIsEscapedInEveryMessage() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let name = "net\(Self.escape)\(Self.override)lmay.yaml"
        try "cpn: 1\nplaces:\n  a: { color: Nope }\n".write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        for command in [["check", name, "--color", "never"], ["verify", name, "--color", "never"], ["graph", name],
                        ["export", name, "--to", "pnml"], ["run", name, "--store", "sqlite:s.db"]] {
            let run = try CLI.run(command, in: dir)
            #expect(run.status == 2, "\(command): \(run.stdout)\(run.stderr)")
            Self.expectInert(run.stdout + run.stderr)
            #expect((run.stdout + run.stderr).contains("\\u{1B}[2J"), "\(command): the escape is not shown escaped")
        }
        let missing = try CLI.run(["replay", "trace\(Self.override).json"], in: dir)
        #expect(missing.status == 2)
        Self.expectInert(missing.stdout + missing.stderr)
    }

    /// A net whose name and description hold controls and line breaks: the text
    /// report keeps each on its line; no forged line appears.
    @Test func aNetNameWithControlsIsEscapedInTheTextReport() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let net = "cpn: 1\nname: \"lock\\e[31m\\u202E\\nFORGED verdict\"\nplaces:\n  a: { color: Unit, initial: 1 }\n  b: Unit\n"
            + "transitions:\n  t: { in: { a: 1 }, out: { b: 1 } }\nfinal: \"size(b) == 1\"\n"
        try net.write(to: dir.appendingPathComponent("n.yaml"), atomically: true, encoding: .utf8)
        for command in [["verify", "n.yaml"], ["simulate", "n.yaml", "--runs", "2"], ["check", "n.yaml", "--format", "github"]] {
            let run = try CLI.run(command, in: dir)
            #expect(run.status == 0, "\(command): \(run.stdout)\(run.stderr)")
            Self.expectInert(run.stdout + run.stderr)
            #expect(!(run.stdout + run.stderr).split(separator: "\n").contains { $0.hasPrefix("FORGED") }, "\(command): a forged line:\n\(run.stdout)")
        }
    }

    /// An unknown key holding controls, quoted in a diagnostic.
    @Test func aKeyWithControlsIsEscapedInTheDiagnostic() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "cpn: 1\nplaces: {}\n\"evil\\e[8m\\u202Ekey\": 1\n".write(to: dir.appendingPathComponent("k.yaml"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["check", "k.yaml", "--color", "always"], in: dir)
        #expect(run.status == 2)
        // Our own colors are there; the file's escape sequence is not.
        #expect(run.stdout.contains("\u{1B}[1;31m"), "\(run.stdout.debugDescription)")
        #expect(!run.stdout.contains("\u{1B}[8m") && !run.stdout.contains(Self.override), "\(run.stdout.debugDescription)")
    }

    // MARK: - Numbers and traces

    @Test(arguments: [["verify", "--max-states", "-1"], ["review", "--max-states", "-1"], ["simulate", "--runs", "-5"],
                      ["verify", "--max-depth", "-2"], ["simulate", "--steps", "-1"]])
    func aNegativeNumberGetsItsOwnMessage(arguments: [String]) throws {
        let net = arguments[0] == "review" ? [] : ["examples/polite-scraper/net.yaml"]
        let run = try CLI.run([arguments[0]] + net + Array(arguments.dropFirst()))
        #expect(run.status == 2)
        #expect(!run.stderr.contains("Missing value"), "\(run.stderr)")
        #expect(run.stderr.contains(arguments[1]) && (run.stderr.contains("at least") || run.stderr.contains("negative")), "\(run.stderr)")
    }

    /// Hand-edited traces: a float count, a string for a count, a control character
    /// in a token. Each message names the field.
    @Test func aTraceWithAWrongValueNamesTheField() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let produced = try CLI.run(["verify", CLI.repositoryRoot.appendingPathComponent("examples/polite-scraper/bugs/domain-slot-off-by-one.yaml").path,
                                    "--trace-out", "t.json"], in: dir)
        #expect(produced.status == 1)
        let text = try String(contentsOf: dir.appendingPathComponent("t.json"), encoding: .utf8)
        let first = try #require(text.range(of: "\"count\" : 1"), "the trace has no count")
        let cases: [(String, String)] = [
            ("\"count\" : 1.5", "must be a whole number"),
            ("\"count\" : \"many\"", "must be a whole number"),
            ("\"count\" : null", "must be a whole number, not null"),
            ("\"count\" : 99999999999999999999", "must be a whole number"),
            ("\"count\" : 1e30", "must be a whole number"),
        ]
        for (replacement, message) in cases {
            try text.replacingCharacters(in: first, with: replacement).write(to: dir.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
            let run = try CLI.run(["replay", "bad.json", "--step", "1"], in: dir)
            #expect(run.status == 2, "\(replacement): \(run.stdout)\(run.stderr)")
            #expect(run.stderr.contains(".count`") && run.stderr.contains(message), "\(replacement): \(run.stderr)")
            #expect(!run.stderr.contains("not valid JSON"), "\(replacement): \(run.stderr)")
        }
        let token = try #require(text.range(of: "\"token\" : \""))
        try text.replacingCharacters(in: token, with: "\"token\" : \"\\u001b[2J").write(to: dir.appendingPathComponent("esc.json"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["replay", "esc.json"], in: dir)
        #expect(run.status == 2, "\(run.stdout)")
        #expect(run.stderr.contains("holds the control character U+001B"), "\(run.stderr)")
        Self.expectInert(run.stdout + run.stderr)
    }
}
