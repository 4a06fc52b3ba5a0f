/// Settings every machine-readable renderer shares.
public struct ReportOptions: Sendable {
    /// Add elapsed times (and rates) to the report. Off by default so the same
    /// nets give byte-identical reports, which CI diffs and goldens rely on.
    public var includeTiming: Bool
    /// Treat an exploration stopped by a bound as a pass (`--accept-bounded`).
    public var acceptBounded: Bool
    /// The command that produced the report (`verify`, `check`, `review`), for titles.
    public var command: String
    /// The tool's version, written into SARIF.
    public var toolVersion: String
    /// The command's exit status when it is not the worst verdict of the nets
    /// (`review` exits on new failures only), for SARIF's `invocations`.
    public var exitCode: Int32?

    public init(includeTiming: Bool = false, acceptBounded: Bool = false, command: String = "verify",
                toolVersion: String = "0.1.0", exitCode: Int32? = nil) {
        self.includeTiming = includeTiming
        self.acceptBounded = acceptBounded
        self.command = command
        self.toolVersion = toolVersion
        self.exitCode = exitCode
    }
}
