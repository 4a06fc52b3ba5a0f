/// Why a net cannot be converted to or from another format.
public struct InteropError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// What the user can do about it.
    public var help: String?

    public init(_ message: String, help: String? = nil) {
        self.message = message
        self.help = help
    }

    public var description: String { help.map { "\(message)\nhelp: \($0)" } ?? message }
}
