import ArgumentParser
import CPNInterop
import Foundation
import CPNDiagnostics
import CPNWorkflow

/// `cpn-author export`: write a net as Promela (for SPIN) or PNML.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a net as Promela (to cross-check with SPIN) or as a PNML P/T net.",
        discussion: """
            Colored nets are unfolded: one counter (Promela) or place (PNML) per place and \
            color value, one atomic step or transition per binding, so SPIN's reachable state \
            count equals `verify`'s. Timed nets and places with `order` cannot be unfolded; PNML \
            P/T nets cannot express capacities.

            Examples:
              cpn-author export net.yaml --to promela -o net.pml
              spin -a net.pml && gcc -O2 -DBFS -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -E
              cpn-author export net.yaml --to pnml -o net.pnml
            """
    )

    enum Target: String, ExpressibleByArgument, CaseIterable { case promela, pnml }

    @Argument(help: "The net to export (YAML, or PNML).")
    var file: String

    @Option(help: "Output format: promela or pnml.")
    var to: Target

    @Option(name: .shortAndLong, help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    func run() throws {
        let loaded = NetInput.load(path: file)
        guard let net = loaded.checked else { try InvalidNet.exit(loaded) }
        let text: String
        do {
            switch to {
            case .promela: text = try PromelaExport.promela(net, sourcePath: file)
            case .pnml: text = try PNMLExport.pnml(net)
            }
        } catch {
            var err = StandardError()
            print("error: cannot export \(file) to \(to.rawValue): \(error.message)", to: &err)
            if let help = error.help { print("help: \(help)", to: &err) }
            throw ExitCode(ExitStatus.invalidInput)
        }
        if let output { try AtomicFile.write(text, to: output) } else { print(text, terminator: "") }
    }
}
