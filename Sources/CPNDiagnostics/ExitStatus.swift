/// Exit codes shared by every command; scripts and the PR gate rely on them.
public enum ExitStatus {
    public static let success: Int32 = 0
    public static let violated: Int32 = 1
    public static let invalidInput: Int32 = 2
    public static let bounded: Int32 = 3
}
