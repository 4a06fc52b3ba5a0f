import ArgumentParser
import CPNDiagnostics
import CPNInterop
import CPNLoad
import Foundation
import CPNWorkflow

/// `cpn-author convert`: read a PNML P/T net and write it in the YAML format.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a PNML place/transition net (ISO/IEC 15909-2) to the YAML net format.",
        discussion: """
            Every PNML place becomes a `Unit` place, initial markings and arc weights become \
            token counts, pages are flattened and reference nodes resolved. The result is \
            checked before it is written. `verify` and `simulate` also read `.pnml` files directly.

            What the importer does not implement is refused with its line and column (E0501), \
            never ignored: arcs other than normal (inhibitor, reset, transport, read), colored \
            (high-level) labels and net types, TAPAAL's timed-arc and game extensions, tool data \
            that changes the firing rule, DTDs. Errors in the converted net point at the PNML element.

            Example:
              cpn-author convert model.pnml -o net.yaml
            """
    )

    @Argument(help: "The PNML file.")
    var file: String

    @Option(name: .shortAndLong, help: "Write the YAML net to this file (atomically) instead of standard output.")
    var output: String?

    func run() throws {
        let source: SourceFile
        switch SourceReader.read(path: file) {
        case .failure(let d): try InvalidNet.exit(.failure(path: file, source: nil, diagnostics: [d]))
        case .success(let s): source = s
        }
        switch PNMLImport.convert(data: Data(source.text.utf8), path: file) {
        case .failure(let d):
            try InvalidNet.exit(.failure(path: file, source: source, diagnostics: [d]))
        case .success(let converted):
            // Checked with every position in the PNML file, not in the YAML being written.
            let loaded = converted.load(original: source)
            if loaded.hasErrors { try InvalidNet.exit(loaded) }
            if let output {
                try AtomicFile.write(converted.yaml, to: output)
                var err = StandardError()
                print("wrote \(output): \(converted.places) places, \(converted.transitions) transitions, \(converted.arcs) arcs", to: &err)
            } else {
                print(converted.yaml, terminator: "")
            }
        }
    }
}
