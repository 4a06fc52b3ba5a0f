#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPNDiagnostics
import CPNRuntime
import CPNRuntimePostgres
import CPNRuntimeSQLite
import Foundation

/// Opens a runtime store from its URL: `sqlite:FILE[?sync=full|normal]` or
/// `postgres://USER@HOST:PORT/DB[?...]`. Store files are untrusted paths: a
/// symbolic link or a FIFO at the path is refused (SECURITY.md).
public enum RuntimeStores {
    public static func open(_ spec: String, mustExist: Bool) throws -> any TokenStore {
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
    public static func workerID(_ suffix: String) -> String {
        "\(ProcessInfo.processInfo.hostName):\(getpid()):\(suffix)"
    }
}

/// Opens the engine of a store: the net already in it, or `net` put into an
/// empty store (the store is checked to hold the same net otherwise).
public enum RuntimeSession {
    public static func open(store spec: String, net: String? = nil, mustExist: Bool = false,
                            worker: String = RuntimeStores.workerID("cli")) throws -> (engine: Engine, store: any TokenStore) {
        let store: any TokenStore
        do {
            store = try RuntimeStores.open(spec, mustExist: mustExist && net == nil)
        } catch let e as StoreError {
            throw ValidationFailure(e.message)
        }
        do {
            let engine: Engine
            if let net {
                switch RuntimeNet.load(path: net) {
                case .failure(let f):
                    throw RuntimeError(.invalidInput, "\(net) has \(f.result.errorCount) error\(f.result.errorCount == 1 ? "" : "s"); run `cpn-author check \(net)`")
                case .success(let n):
                    engine = try Engine(net: n, store: store, worker: worker)
                    try engine.open()
                }
            } else {
                engine = try Engine.attach(store: store, worker: worker)
            }
            return (engine, store)
        } catch {
            store.close()
            throw error
        }
    }
}
