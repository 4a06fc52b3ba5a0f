import ArgumentParser
import CPNDiagnostics
import CPNLoad
import Foundation

/// What every command that needs a valid net does with an invalid one: its
/// diagnostics and "PATH: N errors" on standard error, then exit 2.
enum InvalidNet {
    static func exit(_ loaded: LoadResult) throws -> Never {
        var err = StandardError()
        let renderer = DiagnosticRenderer(useColor: ColorChoice.auto.enabled(forFileDescriptor: STDERR_FILENO))
        print(renderer.render(loaded.diagnostics) { $0 == loaded.path ? loaded.source : nil }, to: &err)
        print("\(VisibleText.escaped(loaded.path)): \(loaded.errorCount) error\(loaded.errorCount == 1 ? "" : "s")", to: &err)
        throw ExitCode(ExitStatus.invalidInput)
    }
}
