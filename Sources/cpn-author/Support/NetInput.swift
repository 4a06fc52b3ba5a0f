import CPNDiagnostics
import CPNInterop
import CPNLoad
import Foundation

/// Loads a net file given on the command line: the YAML format, or a PNML
/// P/T net (by its `.pnml` extension), converted on the fly.
enum NetInput {
    static func load(path: String) -> LoadResult {
        guard isPNML(path) else { return NetLoader.load(path: path) }
        switch SourceReader.read(path: path) {
        case .failure(let d):
            return .failure(path: path, source: nil, diagnostics: [d])
        case .success(let source):
            // Every diagnostic, the checker's included, points at the PNML element.
            return PNMLImport.load(source)
        }
    }

    static func isPNML(_ path: String) -> Bool { path.lowercased().hasSuffix(".pnml") }
}
