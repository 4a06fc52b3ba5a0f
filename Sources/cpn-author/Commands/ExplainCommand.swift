import ArgumentParser
import CPNDiagnostics

/// `cpn-author explain`: what a diagnostic code means and how to fix it.
///
/// ```
/// $ cpn-author explain E0402
/// E0402: variable bound twice in one pattern
///
/// A pattern binds the same variable twice, as in `(x, x)`. ...
/// ```
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a diagnostic code (E0302, W0002, ...), or list them all.",
        discussion: "Without a code, lists every code with its one-line title."
    )

    @Argument(help: "A diagnostic code such as E0302.")
    var code: String?

    func run() throws {
        guard let code else {
            for entry in DiagnosticCode.catalog { print("\(entry.code)  \(entry.title)") }
            return
        }
        guard let entry = DiagnosticCode(code.uppercased()).explanation else {
            var err = StandardError()
            print("error: unknown diagnostic code `\(code)`", to: &err)
            let all = DiagnosticCode.catalog.map(\.code.rawValue)
            if let near = NameSuggestion.closest(to: code.uppercased(), among: all) { print("help: did you mean `\(near)`?", to: &err) }
            else { print("help: `cpn-author explain` lists every code", to: &err) }
            throw ExitCode(ExitStatus.invalidInput)
        }
        print("\(entry.code): \(entry.title)\n\n\(entry.explanation)")
    }
}
