import CPNDiagnostics
import CPNModel

/// The result of loading a net file: what could be built, and every
/// diagnostic found on the way, in reading order.
public struct LoadResult: Sendable {
    public let path: String
    public let source: SourceFile?
    public let net: Net?
    public let checked: CheckedNet?
    public let diagnostics: [Diagnostic]

    public var hasErrors: Bool { diagnostics.contains { $0.isError } }
    public var errorCount: Int { diagnostics.count { $0.isError } }
    public var warningCount: Int { diagnostics.count { !$0.isError } }
}

/// Loads a net file through every check: read → YAML → format → names and types.
///
/// ```swift
/// let result = NetLoader.load(path: "examples/polite-scraper/net.yaml")
/// if let net = result.checked { /* explore it */ }
/// else { print(DiagnosticRenderer().render(result.diagnostics) { _ in result.source }) }
/// ```
public enum NetLoader {
    public static func load(path: String) -> LoadResult {
        switch SourceReader.read(path: path) {
        case .failure(let d): return LoadResult(path: path, source: nil, net: nil, checked: nil, diagnostics: [d])
        case .success(let source): return load(source)
        }
    }

    public static func load(text: String, path: String = "<input>") -> LoadResult {
        load(SourceFile(path: path, text: text))
    }

    public static func load(_ source: SourceFile) -> LoadResult {
        let root: YAMLNode
        switch YAMLComposer.compose(source) {
        case .failure(let d): return LoadResult(path: source.path, source: source, net: nil, checked: nil, diagnostics: [d])
        case .success(let r): root = r
        }
        var decoder = NetDecoder(source: source)
        let net = decoder.decode(root)
        var diagnostics = decoder.diagnostics
        var checked: CheckedNet? = nil
        if let net {
            var checker = NetChecker(net: net)
            checker.decodingFailed = decoder.diagnostics.hasErrors
            checker.incompleteTransitions = decoder.incompleteTransitions
            checker.undecodedNames = decoder.undecodedNames
            checked = checker.check()
            diagnostics.append(contentsOf: checker.diagnostics.items)
        }
        if diagnostics.hasErrors { checked = nil }
        return LoadResult(path: source.path, source: source, net: net, checked: checked, diagnostics: diagnostics.sorted)
    }
}
