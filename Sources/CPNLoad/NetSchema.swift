/// The JSON Schema of the net format, embedded so that `cpn-author schema`
/// works from any copy of the binary. Generated from
/// `specs/cpn-net.schema.json` by `make embed`; a test keeps them equal.
public enum NetSchema {
    public static let json = #"""
{}
"""#
}
