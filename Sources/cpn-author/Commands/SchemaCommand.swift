import ArgumentParser
import CPNLoad

/// `cpn-author schema`: the JSON Schema of the net format, for editors.
///
/// ```
/// $ cpn-author schema > cpn-net.schema.json
/// ```
/// then put `# yaml-language-server: $schema=cpn-net.schema.json` at the
/// top of a net file for completion and validation in editors.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (2020-12) of the net format.",
        discussion: "The same file is in the repository as specs/cpn-net.schema.json."
    )

    func run() throws {
        print(NetSchema.json, terminator: NetSchema.json.hasSuffix("\n") ? "" : "\n")
    }
}
