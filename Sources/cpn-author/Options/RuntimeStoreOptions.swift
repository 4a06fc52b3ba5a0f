import ArgumentParser
import CPNDiagnostics
import CPNRuntime
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

    /// Opens the store's net (or puts `net` in an empty store) and runs `body`,
    /// turning runtime errors into messages and exit codes.
    func withEngine(net: String? = nil, mustExist: Bool = false, _ body: (Engine) throws -> Void) throws {
        do {
            let (engine, store) = try RuntimeSession.open(store: self.store, net: net, mustExist: mustExist)
            defer { store.close() }
            try body(engine)
        } catch let e as RuntimeError {
            e.print()
            throw e.exitCode
        }
    }

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

extension RuntimeError {
    /// The exit code of the documented scheme: 1 a property violated, 2 the rest.
    var exitCode: ExitCode { ExitCode(isViolation ? ExitStatus.violated : ExitStatus.invalidInput) }

    func print() {
        var err = StandardError()
        Swift.print("error: \(message)", to: &err)
        for line in details { Swift.print("  \(line)", to: &err) }
    }
}
