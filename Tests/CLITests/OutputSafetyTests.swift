import Foundation
import Testing

/// What a command writes, and only that: output files are created under an
/// unpredictable name and renamed (a link planted at the old predictable
/// temporary name is never followed), a link at the output path is refused,
/// a FIFO or a device is written as a stream and stays what it is, and a
/// write that fails — standard output on a full disk — fails the command.
/// Every node is made in a temporary directory; `/dev/full` is only written to.
@Suite struct OutputSafetyTests {
    static let net = "examples/polite-scraper/net.yaml"

    static func fileType(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
    }

    /// The old writer used `.NAME.PID.tmp`, opened with truncate: links planted at
    /// that name for the next few hundred process ids caught it. None may be followed.
    @Test func linksPlantedAtPredictableTemporaryNamesAreNotFollowed() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let victim = dir.appendingPathComponent("victim.txt")
        try "precious\n".write(to: victim, atomically: true, encoding: .utf8)
        let me = Int(getpid())
        for pid in me..<(me + 400) {
            for name in ["out.pml", "trace.json", "log.jsonl"] {
                symlink(victim.path, dir.appendingPathComponent(".\(name).\(pid).tmp").path)
            }
        }
        let export = try CLI.run(["export", CLI.repositoryRoot.appendingPathComponent("examples/dining-philosophers/net.yaml").path,
                                  "--to", "promela", "-o", "out.pml"], in: dir)
        #expect(export.status == 0, "\(export.stderr)")
        let verify = try CLI.run(["verify", CLI.repositoryRoot.appendingPathComponent("examples/polite-scraper/bugs/domain-slot-off-by-one.yaml").path,
                                  "--trace-out", "trace.json"], in: dir)
        #expect(verify.status == 1, "\(verify.stderr)")
        #expect(try String(contentsOf: victim, encoding: .utf8) == "precious\n", "a planted link was written through")
        #expect(Self.fileType(dir.appendingPathComponent("out.pml").path) == S_IFREG)
        #expect(try String(contentsOf: dir.appendingPathComponent("out.pml"), encoding: .utf8).contains("proctype"))
        #expect(Self.fileType(dir.appendingPathComponent("trace.json").path) == S_IFREG)
        // No temporary file is left behind: only the planted links and the two outputs.
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        let leftovers = names.filter { $0.hasPrefix(".") && Self.fileType(dir.appendingPathComponent($0).path) != S_IFLNK }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    @Test func aLinkAtTheOutputPathIsRefusedAndItsTargetUntouched() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let victim = dir.appendingPathComponent("victim.txt")
        try "precious\n".write(to: victim, atomically: true, encoding: .utf8)
        let link = dir.appendingPathComponent("graph.dot")
        symlink(victim.path, link.path)
        let run = try CLI.run(["graph", CLI.repositoryRoot.appendingPathComponent(Self.net).path, "--format", "dot", "-o", "graph.dot"], in: dir)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("graph.dot: it is a symbolic link"), "\(run.stderr)")
        #expect(try String(contentsOf: victim, encoding: .utf8) == "precious\n")
        #expect(Self.fileType(link.path) == S_IFLNK, "the link was replaced")
    }

    @Test func replacingAFileKeepsItsMode() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("net.pnml")
        try "old\n".write(to: out, atomically: true, encoding: .utf8)
        chmod(out.path, 0o640)
        let run = try CLI.run(["export", CLI.repositoryRoot.appendingPathComponent("examples/dining-philosophers/net.yaml").path,
                               "--to", "pnml", "-o", "net.pnml"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        var info = stat()
        stat(out.path, &info)
        #expect(info.st_mode & 0o777 == 0o640)
        #expect(try String(contentsOf: out, encoding: .utf8).hasPrefix("<?xml"))
    }

    /// A FIFO given as the output is written into as a stream (its reader gets the
    /// graph) and is still a FIFO afterwards; without a reader it is an error, not a hang.
    @Test func aFIFOIsWrittenAsAStream() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("pipe.dot").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let noReader = try CLI.run(["graph", CLI.repositoryRoot.appendingPathComponent(Self.net).path, "--format", "dot", "-o", fifo], in: dir)
        #expect(noReader.status == 2 && noReader.stderr.contains("is a named pipe (FIFO) with no reader"), "\(noReader.stderr)")
        // The reader: opened read-write, so it is there before the writer and never sees an early end.
        let reader = open(fifo, O_RDWR | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        let run = try CLI.run(["graph", CLI.repositoryRoot.appendingPathComponent(Self.net).path, "--format", "dot", "-o", fifo], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = read(reader, &buffer, buffer.count)
            if n <= 0 { break }
            received.append(contentsOf: buffer[0..<n])
        }
        #expect(String(decoding: received, as: UTF8.self).hasPrefix("digraph"), "\(received.count) bytes")
        #expect(Self.fileType(fifo) == S_IFIFO, "the FIFO was replaced")
    }

    /// A character device of our own (the null device's numbers, in a temporary
    /// directory) stays a device: making one needs root.
    @Test(.enabled(if: getuid() == 0, "mknod needs root"))
    func aCharacterDeviceIsWrittenIntoNotReplaced() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let device = dir.appendingPathComponent("null").path
        // makedev(1, 3) in Linux's encoding (the macro is not visible from Swift).
        guard mknod(device, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 else {
            Issue.record("mknod failed: \(String(cString: strerror(errno)))")
            return
        }
        let run = try CLI.run(["export", CLI.repositoryRoot.appendingPathComponent("examples/dining-philosophers/net.yaml").path,
                               "--to", "promela", "-o", device], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Self.fileType(device) == S_IFCHR, "the device node was replaced by a file")
    }

    @Test func aDirectoryIsRefused() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        let toDir = try CLI.run(["export", CLI.repositoryRoot.appendingPathComponent("examples/dining-philosophers/net.yaml").path,
                                 "--to", "pnml", "-o", "sub"], in: dir)
        #expect(toDir.status == 2 && toDir.stderr.contains("sub: it is a directory"), "\(toDir.stderr)")
    }

    /// `/dev/full` as standard output: every write fails with ENOSPC. Each command
    /// says so and exits 2, never 0 with its output lost.
    @Test(arguments: [
        ["check", net], ["verify", net], ["graph", net, "--format", "mermaid"], ["export", "examples/dining-philosophers/net.yaml", "--to", "promela"],
        ["schema"], ["explain", "E0302"], ["simulate", net, "--runs", "3"], ["verify", net, "--format", "json"],
    ])
    func aFullDiskOnStandardOutputFailsTheCommand(arguments: [String]) throws {
        let run = try CLI.run(arguments, stdout: "/dev/full")
        #expect(run.status == 2, "\(arguments): exit \(run.status)\n\(run.stderr)")
        #expect(run.stderr.contains("cannot write standard output: No space left on device"), "\(arguments): \(run.stderr)")
    }

    @Test func dashIsStandardOutput() throws {
        let run = try CLI.run(["export", "examples/dining-philosophers/net.yaml", "--to", "pnml", "-o", "-"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("<?xml"))
    }
}
