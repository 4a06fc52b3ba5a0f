import CPNExplore
import CPNJSON
import Foundation
import MCP

/// What a tool call may use besides its arguments: the roots it is confined
/// to, a way to report progress, the slots heavy work runs in, and the client
/// (for sampling).
struct ToolContext: Sendable {
    let roots: RootConfinement
    let toolVersion: String
    let slots: WorkSlots
    /// Sends `notifications/progress` when the client gave a progress token; does nothing otherwise.
    let progress: @Sendable (_ done: Double, _ total: Double?, _ message: String) -> Void
    /// Asks the client's model (`sampling/createMessage`); nil when the client does not offer sampling.
    let sample: (@Sendable (_ system: String, _ messages: [Sampling.Message], _ maxTokens: Int) async throws -> String)?
    /// Asks the user to answer `choices` (`elicitation/create`, a form); the
    /// answers when accepted, nil when declined or cancelled. Nil when the
    /// client does not offer elicitation.
    let elicit: (@Sendable (_ message: String, _ choices: [OpenChoice]) async throws -> [String: JSONValue]?)?
    /// Writes a line to the server's standard error (the client's log of the server).
    let log: @Sendable (String) -> Void

    /// Runs synchronous checker work (`what`, on `subject`) in a slot, on its
    /// own thread; when the client cancelled the call before or during it,
    /// logs that and throws `ToolCancelled` (no response is sent).
    func work<T: Sendable>(_ what: String, about subject: String? = nil,
                           _ body: @escaping @Sendable (CancelFlag) -> T) async throws -> T {
        let value = await slots.withSlot { await BlockingWork.run(body) }
        guard let value, !Task.isCancelled else {
            log("\(what) cancelled by the client" + (subject.map { " (\($0))" } ?? ""))
            throw ToolCancelled()
        }
        return value
    }

    /// Runs an exploration with `options` (progress reported, cancellation
    /// polled inside it); throws `ToolCancelled` when the client cancelled.
    func explore<T: Sendable>(_ options: ExplorationOptions, _ what: String, about subject: String? = nil,
                              _ body: @escaping @Sendable (ExplorationOptions) -> T) async throws -> T {
        var prepared = options
        prepared.progress = explorationProgress(maxStates: options.maxStates)
        let ready = prepared
        return try await work(what, about: subject) { flag in
            var o = ready
            o.isCancelled = { flag.isCancelled }
            return body(o)
        }
    }

    /// Exploration progress as MCP progress: states so far out of the state
    /// bound (the size of the state space is not known in advance), with
    /// depth and rate in the message.
    func explorationProgress(maxStates: Int) -> @Sendable (ExplorationOptions.Progress) -> Void {
        let progress = self.progress
        return { p in
            progress(Double(p.states), Double(maxStates),
                     "\(p.states) states, depth \(p.depth), \(Int(p.statesPerSecond)) states/s")
        }
    }
}

/// The call was cancelled by the client (`notifications/cancelled`); no response is sent.
struct ToolCancelled: Error {}
