import ArgumentParser
import CPNMCP
import Foundation

/// `cpn-author mcp`: serve the checker to a coding agent over the Model Context Protocol.
///
/// ```
/// $ claude mcp add cpn-author -- cpn-author mcp
/// ```
/// then, in the agent: "verify examples/polite-scraper/net.yaml" calls the `verify` tool.
struct MCPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve check, verify, simulate, … to a coding agent over MCP (stdio).",
        discussion: """
            A Model Context Protocol server on standard input and output (newline-delimited \
            JSON-RPC, protocol revision 2025-11-25), for Claude Code, Claude Desktop, Cursor and \
            other MCP clients. Started by the client, not by hand; it logs to standard error.

            Tools: check, verify, simulate, replay, conform, explain, graph, diff, review, schema, and draft \
            (with the client's own model, when the client offers sampling). Each returns a short \
            text and structured JSON described by its outputSchema (specs/mcp.md). Resources: \
            the specs, the diagnostic catalog, every example net with its requirements. Prompts: \
            draft (requirements → net) and repair (net + report → net).

            Explorations are bounded by default (1,000,000 states, 60 s; at most 50,000,000 and \
            600 s), report progress, and stop when the client cancels the call. Paths are \
            confined to the client's roots, or to the working directory when the client has none; \
            files are written only when a tool's `output` argument asks, atomically.

            Claude Code:  claude mcp add cpn-author -- cpn-author mcp
            Cursor / Claude Desktop: {"mcpServers": {"cpn-author": {"command": "cpn-author", "args": ["mcp"]}}}
            """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp("Tool calls that explore, simulate or draft at once; further calls wait.", valueName: "n"))
    var concurrentWork = 2

    func validate() throws {
        guard (1...64).contains(concurrentWork) else { throw ValidationError("--concurrent-work must be between 1 and 64") }
    }

    func run() throws {
        // A client that goes away closes the pipe: writes then fail with EPIPE instead of killing the server.
        signal(SIGPIPE, SIG_IGN)
        let server = CPNMCPServer(toolVersion: CPNAuthorVersion.string, concurrentWork: concurrentWork)
        let finished = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task {
            do { try await server.run(transport: LineTransport()) } catch { failure.error = error }
            finished.signal()
        }
        finished.wait()
        if let error = failure.error { throw ValidationFailureMessage("mcp: \(error)") }
    }
}

private final class FailureBox: @unchecked Sendable {
    var error: Error?
}

private struct ValidationFailureMessage: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
