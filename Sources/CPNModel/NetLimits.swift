/// The limits every layer shares: the loader refuses a net past them, the
/// explorer reports an expression error when a firing would pass them, and the
/// runtime's stores are sized for them.
public enum NetLimits {
    /// Token counts are stored as `Int32` by the explorer and the runtime.
    public static let maximumTokensPerPlace = Int(Int32.max)
    /// The largest delay (`@+ d`), in time units: the runtime's clock holds
    /// `maximumDelay` units of its largest tick in microseconds.
    public static let maximumDelay = Int(Int32.max)
}
