import CPNDraft
import CPNLLM

/// What a drafting session tells its front end as it runs: the command line
/// draws it on stderr (`LLMProgress`); a server can forward it as notifications.
/// Called on the session's thread.
public protocol DraftSessionObserver: AnyObject {
    /// A whole line of news (which model, which transcript, a replayed note).
    func say(_ line: String)
    /// Round `round` asks the model.
    func asking(round: Int)
    /// Part of a streamed reply arrived.
    func receiving(round: Int, _ progress: StreamProgress)
    /// A request failed and is retried.
    func retrying(round: Int, _ notice: RetryPolicy.Notice)
    /// The whole reply arrived.
    func received(round: Int, _ completion: Completion)
    /// The gate's verdict on the round's net.
    func verdict(_ round: DraftRound)
    /// A request failed for good: anything drawn for it should go.
    func clearLine()
}
