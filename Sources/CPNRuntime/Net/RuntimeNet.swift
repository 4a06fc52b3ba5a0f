import CPNLoad
import CPNModel

/// A checked net as the runtime runs it, with the text it was loaded from
/// (stored with the tokens, so `tokens`, `status` and `log export` need only
/// the store) and the signature of its places.
public struct RuntimeNet: Sendable {
    public let checked: CheckedNet
    public let source: String
    public let path: String

    public init(checked: CheckedNet, source: String, path: String) {
        self.checked = checked
        self.source = source
        self.path = path
    }

    /// Loads and checks a net; the load result (with diagnostics) when it has errors.
    public static func load(path: String) -> Result<RuntimeNet, LoadFailure> {
        from(NetLoader.load(path: path))
    }

    public static func load(text: String, path: String) -> Result<RuntimeNet, LoadFailure> {
        from(NetLoader.load(text: text, path: path))
    }

    private static func from(_ loaded: LoadResult) -> Result<RuntimeNet, LoadFailure> {
        guard let checked = loaded.checked, let source = loaded.source else { return .failure(LoadFailure(result: loaded)) }
        return .success(RuntimeNet(checked: checked, source: source.text, path: loaded.path))
    }

    public var name: String { checked.net.name }

    /// What the stored tokens depend on: each place's name, color and
    /// capacity. Two versions of a net with the same signature can share a
    /// store (a changed guard or a new transition is fine); a renamed place
    /// or a changed color is not, because the stored tokens would not fit.
    public var signature: String {
        checked.places.map { p in
            "\(p.name): \(Self.shape(p.color))" + (p.capacity.map { " capacity \($0)" } ?? "")
        }.joined(separator: "; ")
    }

    /// A color's structure all the way down (names of colors left out, names of fields kept).
    private static func shape(_ c: Color) -> String {
        switch c.kind {
        case .record(let fields): return "{" + fields.map { "\($0.name): \(shape($0.color))" }.joined(separator: ", ") + "}"
        case .tuple(let parts): return "(" + parts.map(shape).joined(separator: ", ") + ")"
        default: return c.structure
        }
    }

    public func placeIndex(_ name: String) -> Int? { checked.placeIndex(named: name) }
    public func transitionIndex(_ name: String) -> Int? { checked.transitionIndex(named: name) }
}

/// A net file that does not load: its diagnostics, for the caller to render.
public struct LoadFailure: Error, Sendable {
    public let result: LoadResult
}
