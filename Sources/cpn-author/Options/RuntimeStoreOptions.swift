import ArgumentParser
import CPNDiagnostics
import CPNRuntime
import CPNRuntimePostgres
import CPNRuntimeSQLite
import Foundation
import CPNWorkflow

/// `--store`, shared by `run`, `tokens`, `status` and `log`: where a net's
/// tokens and event log live.
struct RuntimeStoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Where tokens and events live: sqlite:FILE (one file, no setup) or postgres://USER@HOST:PORT/DB (many workers, many machines).",
        discussion: "sqlite:FILE?sync=normal trades a power cut's last commits for speed; a killed process still loses nothing.",
        valueName: "store"))
    var store: String = "sqlite:state.db"

    /// Opens the store. `mustExist`: a SQLite file must already be there
    /// (commands that only look at a store do not create one by accident).
    func open(mustExist: Bool = false) throws -> any TokenStore {
        do {
            return try RuntimeStores.open(store, mustExist: mustExist)
        } catch let e as StoreError {
            throw ValidationFailure(e.message)
        }
    }
}

enum RuntimeStores {
    static func open(_ spec: String, mustExist: Bool) throws -> any TokenStore {
        if spec.hasPrefix("postgres://") || spec.hasPrefix("postgresql://") {
            return try PostgresStore(url: spec)
        }
        guard spec.hasPrefix("sqlite:") else {
            throw StoreError("`\(spec)` is not a store; write sqlite:FILE or postgres://USER@HOST:PORT/DB")
        }
        var path = String(spec.dropFirst("sqlite:".count))
        var durability = SQLiteStore.Durability.full
        if let q = path.firstIndex(of: "?") {
            let query = path[path.index(after: q)...]
            path = String(path[..<q])
            for item in query.split(separator: "&") {
                switch item {
                case "sync=full": durability = .full
                case "sync=normal": durability = .normal
                default: throw StoreError("unknown store option `\(item)`; sqlite: takes sync=full or sync=normal")
                }
            }
        }
        if path.hasPrefix("//") { path.removeFirst(2) }
        guard !path.isEmpty else { throw StoreError("sqlite: needs a file name, e.g. sqlite:state.db") }
        if mustExist && !FileManager.default.fileExists(atPath: path) {
            throw StoreError("there is no store at \(path); start one with `cpn-author run NET.yaml --store sqlite:\(path)`")
        }
        // As for output files (SECURITY.md): SQLite would follow a link planted at the
        // store's path, and would block on a FIFO.
        var info = stat()
        if lstat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFLNK: throw StoreError("\(VisibleText.escaped(path)) is a symbolic link; give the store file's own path")
            default: throw StoreError("\(VisibleText.escaped(path)) is \(AtomicFile.kindName(info.st_mode)), not a store file")
            }
        }
        return try SQLiteStore(path: path, durability: durability)
    }

    /// `host:pid:k`: unique among live workers, readable in the event log.
    static func workerID(_ suffix: String) -> String {
        "\(ProcessInfo.processInfo.hostName):\(getpid()):\(suffix)"
    }
}

extension RuntimeError {
    /// The exit code of the documented scheme: 1 a property violated, 2 the rest.
    var exitCode: ExitCode { ExitCode(isViolation ? ExitStatus.violated : ExitStatus.invalidInput) }

    func print() {
        var err = StandardError()
        Swift.print("error: \(message)", to: &err)
        for line in details { Swift.print("  \(line)", to: &err) }
    }
}
