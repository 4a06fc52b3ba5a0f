/// Why the runtime stopped or refused something. `kind` decides the exit
/// code: a violation is 1 (as `verify` would report it), the rest 2.
public struct RuntimeError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// An invariant would break: the firing (or external change) was not committed.
        case invariantBroken
        /// A guard, output, delay or order key failed to evaluate (`specs/semantics.md` §7).
        case evaluation
        /// The net stopped in a dead marking that is not final.
        case deadlock
        /// A handler failed, timed out, or answered something that is not an outcome.
        case handler
        /// The store cannot be used: unreachable, holds another net, or is damaged.
        case store
        /// A request that does not fit the net: an unknown place, a token of the wrong color, a full place.
        case invalidInput
        /// What a command had to print or write could not be written (a full disk, a closed
        /// pipe): the change it belonged to was rolled back.
        case output
    }

    public var kind: Kind
    public var message: String
    /// More lines: the marking, the firing, hints.
    public var details: [String]

    public init(_ kind: Kind, _ message: String, details: [String] = []) {
        self.kind = kind
        self.message = message
        self.details = details
    }

    public var isViolation: Bool { kind == .invariantBroken || kind == .evaluation || kind == .deadlock }

    public var description: String { ([message] + details).joined(separator: "\n") }
}
