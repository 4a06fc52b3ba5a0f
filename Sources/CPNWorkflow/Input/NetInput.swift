import CPNDiagnostics
import CPNInterop
import CPNLoad
import Foundation

/// Where a net comes from: a file (read once, bounded, without blocking on a
/// FIFO), or bytes already in hand (a git revision, a request body) shown
/// under `path`.
public enum NetSource: Sendable {
    case file(String)
    case bytes(Data, path: String)

    /// The name diagnostics and reports use.
    public var path: String {
        switch self {
        case .file(let path), .bytes(_, let path): path
        }
    }
}

/// Loads a net in the YAML format, or a PNML P/T net (by its `.pnml`
/// extension, converted on the fly; every diagnostic, the checker's included,
/// points at the PNML element).
public enum NetInput {
    public static func load(_ source: NetSource) -> LoadResult {
        let path = source.path
        let read: Result<SourceFile, Diagnostic>
        switch source {
        case .file(let path):
            guard isPNML(path) else { return NetLoader.load(path: path) }
            read = SourceReader.read(path: path)
        case .bytes(let data, let path):
            guard data.count <= SourceReader.maximumBytes else {
                return .failure(path: path, source: nil, diagnostics: [Diagnostic(
                    .fileTooLarge, "\(path) is larger than \(SourceReader.maximumBytes >> 20) MiB; net files are limited to that",
                    at: SourceSpan(file: path, line: 1, column: 1))])
            }
            read = SourceReader.decode(data, path: path)
        }
        switch read {
        case .failure(let d): return .failure(path: path, source: nil, diagnostics: [d])
        case .success(let file): return isPNML(path) ? PNMLImport.load(file) : NetLoader.load(file)
        }
    }

    public static func load(path: String) -> LoadResult { load(.file(path)) }

    public static func isPNML(_ path: String) -> Bool { path.lowercased().hasSuffix(".pnml") }

    /// A `.yaml` or `.yml` name: the files `review` looks into.
    public static func isYAML(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
    }
}
