import CPNDiagnostics
import CPNLoad
import CPNWorkflow
import Foundation

/// Where a tool's net comes from: inline text (`net`, YAML or PNML) or a file
/// (`path`, confined to the roots), exactly one of them.
struct NetArgument {
    /// The argument names for one net: `net`/`path`, or `base`/`base_path` and `head`/`head_path`.
    let text: String
    let path: String
    let name: String

    static let single = NetArgument(text: "net", path: "path", name: "name")

    static func prefixed(_ prefix: String) -> NetArgument {
        NetArgument(text: prefix, path: prefix + "_path", name: prefix + "_name")
    }

    var names: Set<String> { [text, path, name] }

    /// The JSON Schema properties of these arguments.
    var schemaProperties: [(String, JSONSchemaText)] {
        [
            (text, .init(##"{"type": "string", "description": "The net inline: YAML text in the cpn-author format (resource cpn://specs/net-format.md), or PNML XML."}"##)),
            (path, .init(##"{"type": "string", "description": "The net as a file: a path inside the client's roots (or the server's working directory), relative to it or absolute. .pnml files are read as PNML."}"##)),
            (name, .init(##"{"type": "string", "description": "The file name diagnostics show for an inline net (default net.yaml, or net.pnml for XML); a name ending in .pnml reads the text as PNML."}"##)),
        ]
    }

    func source(_ arguments: ToolArguments, roots: RootConfinement) throws(ToolMisuse) -> NetSource {
        let inline = try arguments.string(text)
        let file = try arguments.string(path)
        switch (inline, file) {
        case (nil, nil):
            throw ToolMisuse("`\(arguments.tool)` needs a net: `\(text)` (YAML text) or `\(path)` (a file)")
        case (.some, .some):
            throw ToolMisuse("give `\(text)` or `\(path)`, not both")
        case (let yaml?, nil):
            let looksLikeXML = yaml.drop(while: { $0.isWhitespace }).first == "<"
            let label = try arguments.string(name) ?? (looksLikeXML ? "net.pnml" : "net.yaml")
            guard !label.isEmpty, label.count <= 255, !label.contains(where: { $0.isNewline || $0 == "\0" }) else {
                throw ToolMisuse("`\(name)` must be a file name of 1 to 255 characters on one line")
            }
            return .bytes(Data(yaml.utf8), path: label)
        case (nil, let given?):
            if arguments.has(name) { throw ToolMisuse("`\(name)` names an inline net; a file is shown by its path") }
            let resolved: String
            do { resolved = try roots.readable(given) } catch { throw ToolMisuse(error.description) }
            // Read here, bounded and without blocking on a FIFO, and show the path as the caller gave it.
            switch InputFile.read(resolved, limit: SourceReader.maximumBytes + 1) {
            case .success(let contents): return .bytes(contents.data, path: given)
            case .failure(let f): throw ToolMisuse("cannot read the net: \(f.message)")
            }
        }
    }
}
