import CPNDiagnostics

extension LoadResult {
    /// A load that failed before the YAML stage, e.g. while reading another
    /// format (PNML) that is converted to a net.
    public static func failure(path: String, source: SourceFile?, diagnostics: [Diagnostic]) -> LoadResult {
        LoadResult(path: path, source: source, net: nil, checked: nil, diagnostics: diagnostics)
    }
}
