import CPNDraft
import MCP

/// The prompts the server offers: the ones `cpn-author draft` sends a model,
/// so an agent drafting with its own model gets the same instructions.
enum PromptCatalog {
    static let prompts: [Prompt] = [
        Prompt(name: "draft", title: "Draft a net from requirements",
               description: "Instructions for writing a cpn-author net from plain-language requirements (the format, the rules that make verification pass, an example); then call `verify` and repair with the `repair` prompt.",
               arguments: [.init(name: "requirements", description: "The requirements, in plain language", required: true)]),
        Prompt(name: "repair", title: "Repair a net from its report",
               description: "Instructions for repairing a net that `check` or `verify` rejected, quoting the report (diagnostics with positions, or the shortest counterexample).",
               arguments: [.init(name: "net", description: "The net's YAML", required: true),
                           .init(name: "report", description: "The text of the check or verify result", required: true)]),
    ]

    static func get(_ name: String, _ arguments: [String: String], library: PromptLibrary = .embedded) throws -> GetPrompt.Result {
        func argument(_ key: String) throws -> String {
            guard let v = arguments[key], !v.isEmpty else { throw MCPError.invalidParams("prompt `\(name)` needs the argument `\(key)`") }
            return v
        }
        do {
            let system = try library.render("system", [:])
            switch name {
            case "draft":
                let text = try library.render("draft", ["requirements": try argument("requirements"), "requirements_path": "requirements.md"])
                return .init(description: "Draft a cpn-author net", messages: [.user(.text(text: system + "\n\n" + text))])
            case "repair":
                let net = try argument("net")
                let text = try library.render("repair", ["round": "1", "failure": try argument("report"), "numbered_net": numbered(net)])
                return .init(description: "Repair a cpn-author net", messages: [.user(.text(text: system + "\n\n" + text))])
            default:
                throw MCPError.invalidParams("unknown prompt `\(name.prefix(80))`; the prompts are `draft` and `repair`")
            }
        } catch let error as PromptError {
            throw MCPError.internalError(error.message)
        }
    }
}
