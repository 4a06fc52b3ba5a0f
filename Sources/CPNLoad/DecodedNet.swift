import CPNModel

/// What `NetDecoder` read from a net file: the net, and what the checker must
/// know about the parts it could not read, so that it reports every problem
/// once and not the holes they left.
struct DecodedNet {
    var net: Net
    /// Whether decoding already found errors: then parts of the net are
    /// missing, and warnings about its structure (a place nothing fills, a
    /// place nothing reads) would be about the holes, not the net.
    var decodingFailed = false
    /// Transitions with a problem in their own text: parts of them are
    /// missing, so the checker does not guess which of their variables are unused.
    var incompleteTransitions: Set<String> = []
    /// Constants, colors and places that are declared but could not be
    /// decoded: their uses are not "unknown" (each was reported once, where
    /// it is declared).
    var undecodedNames: Set<String> = []
}
