import CPNExpressions
import CPNModel
import CPNRuntime
import CPNRuntimePostgres
import CPNRuntimeSQLite
import Foundation
import Testing

/// Paths, processes and databases the runtime tests share.
enum RuntimeTest {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The built `cpn-author`, beside the test bundle (the test target depends on it).
    static let binary: String = {
        let runner = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        var dir = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("cpn-author")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
            dir = dir.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/cpn-author").path
    }()

    static func net(_ relative: String) throws -> RuntimeNet {
        switch RuntimeNet.load(path: path(relative)) {
        case .success(let n): return n
        case .failure(let f): throw StoreError("\(relative) does not load: \(f.result.diagnostics.map(\.message))")
        }
    }

    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cpn-runtime-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    // MARK: - Processes

    /// A `cpn-author` process started in the background, output to files.
    /// `wait()` gives it a generous `hangTimeout`; past it the process is killed
    /// and the test fails with "hung" (tests never assert how fast a run was).
    final class Child: @unchecked Sendable {
        let process = Process()
        let stdout: URL
        let stderr: URL
        private let ended = DispatchSemaphore(value: 0)
        static let hangTimeout: Double = 600

        /// `outputs`: where the output files go (default: `directory`, where it runs).
        init(_ arguments: [String], in directory: URL, environment extra: [String: String] = [:], name: String, outputs: URL? = nil) throws {
            stdout = (outputs ?? directory).appendingPathComponent("\(name).out")
            stderr = (outputs ?? directory).appendingPathComponent("\(name).err")
            FileManager.default.createFile(atPath: stdout.path, contents: nil)
            FileManager.default.createFile(atPath: stderr.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: RuntimeTest.binary)
            process.arguments = arguments
            process.currentDirectoryURL = directory
            var env = ProcessInfo.processInfo.environment
            env["NO_COLOR"] = "1"
            for (k, v) in extra { env[k] = v }
            process.environment = env
            process.standardOutput = try FileHandle(forWritingTo: stdout)
            process.standardError = try FileHandle(forWritingTo: stderr)
            process.standardInput = FileHandle.nullDevice
            process.terminationHandler = { [ended] _ in ended.signal() }
            try process.run()
        }

        func wait(sourceLocation: SourceLocation = #_sourceLocation) -> Int32 {
            if ended.wait(timeout: .now() + Self.hangTimeout) == .timedOut {
                Foundation.kill(process.processIdentifier, SIGKILL)
                Issue.record("hung: `cpn-author \(process.arguments?.joined(separator: " ") ?? "")` did not end within \(Int(Self.hangTimeout)) s and was killed",
                             sourceLocation: sourceLocation)
            }
            process.waitUntilExit()
            return process.terminationStatus
        }

        func kill9() {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        var output: String { ((try? String(contentsOf: stdout, encoding: .utf8)) ?? "") + ((try? String(contentsOf: stderr, encoding: .utf8)) ?? "") }
    }

    /// Runs `cpn-author` to the end.
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let child = try Child(arguments, in: directory, environment: environment, name: "run-\(UUID().uuidString.prefix(8))")
        let status = child.wait()
        return (status, child.output)
    }

    /// Runs `cpn-author` to the end in `directory` (the repository root, say) with its
    /// output kept apart, in a scratch directory: standard output and error separately.
    static func runCapturing(_ arguments: [String], in directory: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        let scratch = try scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let child = try Child(arguments, in: directory, name: "run", outputs: scratch)
        let status = child.wait()
        return (status, (try? String(contentsOf: child.stdout, encoding: .utf8)) ?? "", (try? String(contentsOf: child.stderr, encoding: .utf8)) ?? "")
    }

    // MARK: - PostgreSQL

    /// The server `scripts/postgres-for-tests.sh` started, or nil. Under CI it must be there.
    static var postgresURL: String? { ProcessInfo.processInfo.environment["CPN_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 } }

    static var postgresRequired: Bool { ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "false" } ?? false }

    /// A new, empty database on the test server, for one test; its URL.
    static func freshPostgresDatabase(_ base: String) throws -> String {
        let name = "cpn_test_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        psql.arguments = ["psql", base, "-qc", "CREATE DATABASE \(name)"]
        psql.standardOutput = FileHandle.nullDevice
        try psql.run()
        psql.waitUntilExit()
        guard psql.terminationStatus == 0 else { throw StoreError("psql could not create database \(name) on \(base)") }
        guard let slash = base.lastIndex(of: "/") else { throw StoreError("\(base) has no database part") }
        return String(base[..<slash]) + "/" + name
    }

    // MARK: - Checking a log

    /// Folds the event log from nothing: the tokens it says are left, after
    /// checking that no token id was produced twice or consumed twice, and
    /// that every consumed token existed.
    static func fold(_ events: [EventRecord]) throws -> [Int64: TokenRef] {
        var live: [Int64: TokenRef] = [:]
        var consumed = Set<Int64>()
        var produced = Set<Int64>()
        for e in events {
            for r in e.consumed {
                guard consumed.insert(r.id).inserted else { throw StoreError("event \(e.id) consumes token #\(r.id) a second time") }
                guard let was = live.removeValue(forKey: r.id) else { throw StoreError("event \(e.id) consumes token #\(r.id), which no event produced") }
                guard was.place == r.place, was.value == r.value else { throw StoreError("event \(e.id): token #\(r.id) changed while it lay in \(was.place)") }
            }
            for r in e.produced {
                guard produced.insert(r.id).inserted else { throw StoreError("event \(e.id) produces token #\(r.id) a second time") }
                live[r.id] = r
            }
        }
        return live
    }

    /// Evaluates the net's invariants on every marking the log passes
    /// through; the names of those broken at the first bad event.
    static func invariantsAlongLog(_ events: [EventRecord], net: RuntimeNet) throws -> [String] {
        let text = TokenText(net: net.checked)
        var live: [Int64: TokenRef] = [:]
        for e in events {
            for r in e.consumed { live[r.id] = nil }
            for r in e.produced { live[r.id] = r }
            var values = Array(repeating: [(value: Value, count: Int)](), count: net.checked.places.count)
            for r in live.values {
                guard let p = net.placeIndex(r.place), case .success(let v) = text.parse(r.value, place: p) else {
                    throw StoreError("token #\(r.id) `\(r.value)` in `\(r.place)` does not fit the net")
                }
                if let i = values[p].firstIndex(where: { $0.value == v }) { values[p][i].count += 1 } else { values[p].append((v, 1)) }
            }
            let reader = Reader(values: values)
            let broken = net.checked.invariants.filter { inv in
                var ctx = EvalContext(slotCount: inv.slotCount, marking: reader)
                return (try? inv.expr.evaluate(&ctx)) != .bool(true)
            }
            if !broken.isEmpty { return broken.map { "\($0.name) after event \(e.id)" } }
        }
        return []
    }

    struct Reader: MarkingReader {
        let values: [[(value: Value, count: Int)]]
        func tokens(inPlace index: Int) -> [(value: Value, count: Int)] { values[index] }
    }

    /// Tokens per place as `value → count`, from a store's rows.
    static func counts(_ rows: [StoredToken]) -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for r in rows { out[r.place, default: [:]][r.value, default: 0] += 1 }
        return out
    }

    static func counts(_ refs: some Sequence<TokenRef>) -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for r in refs { out[r.place, default: [:]][r.value, default: 0] += 1 }
        return out
    }
}
