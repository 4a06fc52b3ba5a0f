import CPNJSON
import Foundation
import MCP

/// `cpn-author mcp`: the checker as a Model Context Protocol server, for the
/// coding agents that write coordination code (Claude Code, Cursor, Codex).
///
/// Tools (`check`, `verify`, `simulate`, `replay`, `conform`, `explain`, `graph`, `diff`,
/// `review`, `schema`, and `draft` when the client offers sampling) return a
/// short text and structured content that their `outputSchema` describes; a
/// net that fails is a result, `isError` is for misuse only. Resources are
/// the specs, the diagnostic catalog and the examples; prompts are the
/// drafting and repair instructions. Long calls report progress and stop
/// when the client cancels them. Paths are confined to the client's roots
/// (else the working directory), and nothing is written unless a tool's
/// `output` argument asks for it.
///
/// ```swift
/// let server = CPNMCPServer(toolVersion: "0.9.0")
/// try await server.run(transport: LineTransport())
/// ```
public struct CPNMCPServer: Sendable {
    public let toolVersion: String
    public let workingDirectory: String
    /// Calls that explore, simulate or draft at once; more wait their turn.
    public let concurrentWork: Int
    let log: @Sendable (String) -> Void

    public init(toolVersion: String, workingDirectory: String = FileManager.default.currentDirectoryPath,
                concurrentWork: Int = 2, log: @escaping @Sendable (String) -> Void = CPNMCPServer.standardError) {
        self.toolVersion = toolVersion
        self.workingDirectory = workingDirectory
        self.concurrentWork = concurrentWork
        self.log = log
    }

    static let tools: [any CPNTool] = [
        CheckTool(), VerifyTool(), SimulateTool(), ReplayTool(), ConformTool(), ExplainTool(), GraphTool(), DiffTool(), ReviewTool(),
        SchemaTool(), DraftTool(),
    ]

    static let instructions = """
        cpn-author checks and verifies colored Petri nets (YAML) that model coordination logic: leases, \
        rate limits, retries, backpressure, sagas. To write one: read cpn-author://specs/net-format.md and \
        an example (cpn-author://examples/polite-scraper/net.yaml with its requirements.md), or use the \
        `draft` prompt; call `check` after each edit and `verify` when it checks; repair from the \
        diagnostics (file:line:column, help) or the shortest counterexample trace. `verdict: pass` means \
        every reachable marking was explored and every property holds.
        """

    /// Serves one client until its input ends.
    public func run(transport: any Transport) async throws {
        let server = try await start(transport: transport)
        await server.waitUntilCompleted()
    }

    /// Starts serving and returns the SDK's server (tests stop it themselves).
    public func start(transport: any Transport) async throws -> Server {
        let server = Server(name: "cpn-author", version: toolVersion, title: "cpn-author: verified coordination nets",
                            instructions: Self.instructions,
                            capabilities: .init(prompts: .init(listChanged: false), resources: .init(subscribe: false, listChanged: false),
                                                tools: .init(listChanged: false)))
        let client = ClientState(workingDirectory: workingDirectory)
        let slots = WorkSlots(limit: concurrentWork)
        let toolVersion = self.toolVersion, log = self.log

        await server.withMethodHandler(ListTools.self) { _ in
            let sampling = await client.offersSampling
            return .init(tools: Self.tools.filter { $0.name != "draft" || sampling }.map(\.definition))
        }
        await server.withMethodHandler(CallTool.self) { [weak server] params in
            guard let server else { throw MCPError.internalError("server stopped") }
            let sampling = await client.offersSampling
            guard let tool = Self.tools.first(where: { $0.name == params.name && ($0.name != "draft" || sampling) }) else {
                throw MCPError.invalidParams("unknown tool `\(String(params.name.prefix(80)))`; tools/list lists them")
            }
            let context = ToolContext(
                roots: await client.roots(server, log: log), toolVersion: toolVersion, slots: slots,
                progress: Self.progress(params._meta?.progressToken, server),
                sample: sampling ? Self.sampler(server) : nil,
                elicit: await client.offersElicitation ? Self.elicitor(server) : nil, log: log)
            do {
                let values = (params.arguments ?? [:]).mapValues { JSONValue($0) }
                let arguments = try ToolArguments(tool: tool.name, values: values, known: Set(tool.arguments.map(\.0)))
                return try await tool.call(arguments, context).result
            } catch let misuse as ToolMisuse {
                return .init(content: [.text(text: "error: \(misuse.description)", annotations: nil, _meta: nil)], isError: true)
            } catch is ToolCancelled {
                throw CancellationError()
            }
        }
        await server.withMethodHandler(ListResources.self) { _ in .init(resources: ResourceCatalog.resources, nextCursor: nil) }
        await server.withMethodHandler(ReadResource.self) { params in try ResourceCatalog.read(params.uri) }
        await server.withMethodHandler(ListPrompts.self) { _ in .init(prompts: PromptCatalog.prompts, nextCursor: nil) }
        await server.withMethodHandler(GetPrompt.self) { params in try PromptCatalog.get(params.name, params.arguments ?? [:]) }
        await server.onNotification(RootsListChangedNotification.self) { _ in await client.forgetRoots() }

        try await server.start(transport: transport) { info, capabilities in
            await client.connected(capabilities)
            log("client \(info.name) \(info.version) connected" + (capabilities.sampling != nil ? " (offers sampling)" : ""))
        }
        return server
    }

    /// Progress notifications for a call that carries a progress token. The
    /// checker reports from its own thread; each report is sent from a task,
    /// and tasks may start out of order, so a value not above the last one
    /// sent is dropped: MCP requires progress to increase.
    static func progress(_ token: ProgressToken?, _ server: Server) -> @Sendable (Double, Double?, String) -> Void {
        guard let token else { return { _, _, _ in } }
        let sender = ProgressSender(token: token, server: server)
        return { done, total, message in Task { await sender.send(done, total, message) } }
    }

    /// The client's model, through `sampling/createMessage`; its reply's text blocks joined.
    static func sampler(_ server: Server) -> @Sendable (String, [Sampling.Message], Int) async throws -> String {
        { [weak server] system, messages, maxTokens in
            guard let server else { throw SamplingFailure("server stopped") }
            let result = try await server.requestSampling(messages: messages, systemPrompt: system, includeContext: Sampling.ContextInclusion.none,
                                                          maxTokens: maxTokens)
            let blocks: [Sampling.Message.Content.ContentBlock] = switch result.content {
            case .single(let block): [block]
            case .multiple(let blocks): blocks
            }
            let text = blocks.compactMap { block -> String? in if case .text(let t) = block { t } else { nil } }.joined(separator: "\n")
            guard !text.isEmpty else { throw SamplingFailure("the client's model replied with no text") }
            return text
        }
    }

    /// The user, through `elicitation/create`: one form with a field per open choice.
    static func elicitor(_ server: Server) -> @Sendable (String, [OpenChoice]) async throws -> [String: JSONValue]? {
        { [weak server] message, choices in
            guard let server else { return nil }
            let schema = Elicitation.RequestSchema(
                title: "Choices the requirements leave open",
                properties: Dictionary(choices.map { c in (c.key, c.schema.merging(description: c.question).mcpValue) }, uniquingKeysWith: { a, _ in a }))
            let result = try await server.requestElicitation(message: message, requestedSchema: schema)
            guard result.action == .accept else { return nil }
            return (result.content ?? [:]).mapValues { JSONValue($0) }
        }
    }

    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data(("cpn-author mcp: " + line + "\n").utf8))
    }
}

/// What the server knows of its client: its capabilities, and its roots
/// (asked once, again after `notifications/roots/list_changed`).
actor ClientState {
    let workingDirectory: String
    private var capabilities: Client.Capabilities?
    private var cachedRoots: RootConfinement?

    init(workingDirectory: String) { self.workingDirectory = workingDirectory }

    func connected(_ capabilities: Client.Capabilities) { self.capabilities = capabilities }
    func forgetRoots() { cachedRoots = nil }
    var offersSampling: Bool { capabilities?.sampling != nil }
    var offersElicitation: Bool { capabilities?.elicitation != nil }

    func roots(_ server: Server, log: @Sendable (String) -> Void) async -> RootConfinement {
        if let cachedRoots { return cachedRoots }
        guard capabilities?.roots != nil else {
            return RootConfinement(roots: [workingDirectory], workingDirectory: workingDirectory, origin: "the working directory")
        }
        let confinement: RootConfinement
        do {
            let roots = try await server.listRoots()
            confinement = RootConfinement(rootURIs: roots.map(\.uri), workingDirectory: workingDirectory)
        } catch {
            log("roots/list failed (\(error)); no path is readable until the roots change")
            confinement = RootConfinement(roots: [], workingDirectory: workingDirectory, origin: "the client's roots (roots/list failed)")
        }
        cachedRoots = confinement
        return confinement
    }
}

/// Sends one call's progress notifications, each above the one before.
private actor ProgressSender {
    let token: ProgressToken
    weak var server: Server?
    private var last = -Double.infinity

    init(token: ProgressToken, server: Server) {
        self.token = token
        self.server = server
    }

    func send(_ done: Double, _ total: Double?, _ message: String) async {
        guard done > last, let server else { return }
        last = done
        try? await server.notify(ProgressNotification.message(.init(progressToken: token, progress: done, total: total, message: message)))
    }
}
