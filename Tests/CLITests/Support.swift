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

    /// Runs `cpn-author` with `arguments` in `directory` (the repository root by default),
    /// with colour off so output is byte-stable. Output goes through temporary files so
    /// a large output cannot deadlock a pipe.
    static func run(_ arguments: [String], in directory: URL? = nil, stdin: String? = nil,
                    environment extra: [String: String] = [:]) throws -> CLIRun {
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
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        if let stdin {
            let inFile = scratch.appendingPathComponent("stdin")
            try Data(stdin.utf8).write(to: inFile)
            process.standardInput = try FileHandle(forReadingFrom: inFile)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
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
