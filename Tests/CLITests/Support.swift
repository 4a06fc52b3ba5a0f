import Foundation
import Testing

/// What one run of the `cpn-author` binary produced.
struct CLIRun: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Paths the CLI tests need: the repository root (to reach `examples/`, `specs/`,
/// `Tests/Fixtures/`) and the built `cpn-author` binary, which SwiftPM puts beside
/// the test bundle because `CLITests` depends on the executable target.
enum CLI {
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let binary: URL = {
        let runner = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        var dir = runner.deletingLastPathComponent()
        // On Linux the runner is `<bin>/cpn-authorPackageTests.xctest`; on macOS it sits
        // inside a bundle, a few levels below `<bin>`.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("cpn-author")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return repositoryRoot.appendingPathComponent(".build/debug/cpn-author")
    }()

    /// How long a run may take before it counts as hung: generous, so that a busy
    /// machine never fails a test; only a real hang reaches it.
    static let hangTimeout: Double = 600

    /// Runs `cpn-author` with `arguments` in `directory` (the repository root by default),
    /// with colour off so output is byte-stable. Output goes through temporary files so
    /// a large output cannot deadlock a pipe. A run that has not ended after
    /// `hangTimeout` seconds is killed and the test fails with "hung" (`CLIHung`).
    /// `stdout:` sends standard output to that path instead (`/dev/full`, a FIFO);
    /// the run's `stdout` is then empty.
    static func run(_ arguments: [String], in directory: URL? = nil, stdin: String? = nil,
                    environment extra: [String: String] = [:], stdout stdoutPath: String? = nil) throws -> CLIRun {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? repositoryRoot
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in extra { env[k] = v }
        process.environment = env
        let scratch = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("stdout"), err = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try stdoutPath.map { path in
            guard let h = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileNoSuchFile) }
            return h
        } ?? FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        if let stdin {
            let inFile = scratch.appendingPathComponent("stdin")
            try Data(stdin.utf8).write(to: inFile)
            process.standardInput = try FileHandle(forReadingFrom: inFile)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        try process.run()
        if ended.wait(timeout: .now() + hangTimeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            ended.wait()
            throw CLIHung(arguments: arguments, seconds: hangTimeout)
        }
        try outHandle.close()
        try errHandle.close()
        return CLIRun(status: process.terminationStatus,
                      stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }

    /// A fresh temporary directory; the caller removes it.
    static func scratchDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("cpn-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Files under `relative` (from the repository root) whose names end in `suffix`, sorted.
    static func files(under relative: String, suffix: String) -> [String] {
        let root = repositoryRoot.appendingPathComponent(relative)
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(suffix) }
            .map { relative + "/" + $0 }.sorted()
    }
}

/// A run that did not end within `CLI.hangTimeout`: it was killed.
struct CLIHung: Error, CustomStringConvertible {
    var arguments: [String]
    var seconds: Double
    var description: String { "hung: `cpn-author \(arguments.joined(separator: " "))` did not end within \(Int(seconds)) s and was killed" }
}
