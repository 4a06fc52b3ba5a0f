import CPNDiagnostics
import CPNLoad
import MCP

/// What the server offers to read: the normative specs, the diagnostic
/// catalog, and every example net with its requirements and seeded bugs,
/// all embedded in the binary (scripts/embed-documents.sh).
enum ResourceCatalog {
    static let scheme = "cpn-author://"
    static let diagnosticsURI = scheme + "diagnostics"

    /// The embedded files, and the net schema the loader already embeds (`NetSchema`).
    static let files: [(path: String, text: String)] = EmbeddedDocuments.files + [("specs/cpn-net.schema.json", NetSchema.json)]

    static var resources: [Resource] {
        var list = files.map { file in
            Resource(name: file.path, uri: scheme + file.path, title: title(file.path), description: describe(file.path),
                     mimeType: mimeType(file.path), size: file.text.utf8.count)
        }
        list.append(Resource(name: "diagnostics", uri: diagnosticsURI, title: "Diagnostic codes",
                             description: "Every diagnostic code with its explanation and fix (what the `explain` tool says)",
                             mimeType: "text/markdown"))
        return list
    }

    static func read(_ uri: String) throws -> ReadResource.Result {
        if uri == diagnosticsURI {
            let text = "# cpn-author diagnostic codes\n\n" + DiagnosticCode.catalog.map {
                "## \($0.code.rawValue): \($0.title)\n\n\($0.explanation)\n"
            }.joined(separator: "\n")
            return .init(contents: [.text(text, uri: uri, mimeType: "text/markdown")])
        }
        guard uri.hasPrefix(scheme), let file = files.first(where: { scheme + $0.path == uri }) else {
            throw MCPError.invalidParams("unknown resource `\(VisibleText.escaped(String(uri.prefix(200))))`; resources/list lists them")
        }
        return .init(contents: [.text(file.text, uri: uri, mimeType: mimeType(file.path))])
    }

    static func mimeType(_ path: String) -> String {
        if path.hasSuffix(".md") { return "text/markdown" }
        if path.hasSuffix(".json") { return "application/schema+json" }
        return "application/yaml"
    }

    static func title(_ path: String) -> String {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.first == "examples", parts.count >= 3 else { return path }
        if parts.count == 4, parts[2] == "bugs" { return "\(parts[1]): seeded bug \(parts[3])" }
        return parts[2] == "net.yaml" ? "\(parts[1]): verified net" : "\(parts[1]): requirements"
    }

    static func describe(_ path: String) -> String {
        switch path {
        case "specs/net-format.md": return "The net format (normative): colors, places, arcs, transitions, properties"
        case "specs/expressions.md": return "The expression language of guards, arcs and invariants (normative)"
        case "specs/semantics.md": return "Firing, time, properties, verdicts and exit codes (normative)"
        case "specs/diagnostics.md": return "Diagnostic codes and the check report"
        case "specs/report.schema.json": return "JSON Schema of the verify, simulate and check reports"
        case "specs/cpn-net.schema.json": return "JSON Schema of the net format"
        default:
            if path.hasPrefix("examples/") && path.contains("/bugs/") { return "A net with one seeded bug that verify finds" }
            if path.hasSuffix("net.yaml") { return "An example net that verifies" }
            if path.hasSuffix("requirements.md") { return "The plain-language requirements the example net was drafted from" }
            return path
        }
    }
}
