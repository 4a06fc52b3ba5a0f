import CPNExplore
import CPNModel

/// What a change did to one net file: the structural diff between the base and
/// the new version, and each property's fate — newly failing, fixed, still
/// failing, added, removed. `cpn-author review` builds one per changed net and
/// renders them; the exit status follows `hasNewFailure`.
///
/// Properties are matched by kind and name (invariants by their name). Whether
/// the net passes `check` is a property too (`check`), so a change that breaks
/// the YAML or the types is a new failure like a broken invariant.
public struct NetReview: Sendable {
    public enum FileChange: String, Sendable {
        case added, deleted, modified, renamed
    }

    /// The path in the new version (in the base version for a deleted file).
    public var path: String
    /// The path in the base version, when it differs (a rename).
    public var basePath: String?
    public var fileChange: FileChange
    public var base: NetReport?
    public var head: NetReport?
    /// Nil when either version is missing or is not a net model at all.
    public var diff: NetDiff?
    public var properties: [PropertyChange]
    /// Transitions that never fire in the new version but did in the base.
    public var newlyDeadTransitions: [String]

    public init(path: String, basePath: String? = nil, fileChange: FileChange, base: NetReport?, head: NetReport?) {
        self.path = path
        self.basePath = basePath
        self.fileChange = fileChange
        self.base = base
        self.head = head
        if let old = base?.net, let new = head?.net { diff = NetDiff(from: old, to: new) } else { diff = nil }
        properties = PropertyChange.compare(base: base, head: head)
        let baseDead = Set(base?.result?.deadTransitions ?? [])
        let baseComplete = base?.result?.complete ?? false
        newlyDeadTransitions = baseComplete || base == nil
            ? (head?.result?.deadTransitions ?? []).filter { !baseDead.contains($0) } : []
    }

    public var displayName: String { head?.displayName ?? base?.displayName ?? path }

    public var newFailures: [PropertyChange] { properties.filter { $0.verdict == .newFailure } }
    public var fixed: [PropertyChange] { properties.filter { $0.verdict == .fixed } }
    public var stillFailing: [PropertyChange] { properties.filter { $0.verdict == .stillFailing } }
    public var hasNewFailure: Bool { !newFailures.isEmpty }
    /// Whether the new version fails anything (what `--strict` gates on).
    public var hasFailure: Bool { properties.contains { $0.head == .violated } }
}

/// One property across the two versions of a net.
public struct PropertyChange: Sendable {
    public enum Verdict: String, Sendable, CaseIterable {
        case newFailure = "new failure"
        case stillFailing = "still failing"
        case fixed
        case added
        case removed
        case holds
        /// Not decided in the new version: exploration stopped at a bound, or the net has errors.
        case unknown
    }

    /// `check` for the net's own validity, else the property's name.
    public var name: String
    /// `check`, or a property kind of the JSON report (`invariant`, `deadlock`, ...).
    public var kind: String
    public var base: PropertyResult.Status?
    public var head: PropertyResult.Status?
    public var verdict: Verdict
    /// The new version's property, with its counterexample when violated.
    public var headProperty: PropertyResult?

    public var label: String { kind == PropertyResult.Kind.invariant.rawValue ? "invariant \(name)" : name }

    static func compare(base: NetReport?, head: NetReport?) -> [PropertyChange] {
        var out: [PropertyChange] = []
        // The net's validity first: it decides whether there is anything else to compare.
        let baseCheck: PropertyResult.Status? = base.map { $0.isInvalid ? .violated : .holds }
        let headCheck: PropertyResult.Status? = head.map { $0.isInvalid ? .violated : .holds }
        out.append(PropertyChange(name: "check", kind: "check", base: baseCheck, head: headCheck,
                                  verdict: verdict(base: baseCheck, head: headCheck), headProperty: nil))
        if let head, head.isInvalid {
            // Not explored: say what could not be checked rather than calling it removed.
            for p in base?.result?.properties ?? [] {
                out.append(PropertyChange(name: p.name, kind: p.kind.rawValue, base: p.status, head: nil, verdict: .unknown,
                                          headProperty: nil))
            }
            return out
        }
        let baseProperties = base?.result?.properties ?? []
        let headProperties = head?.result?.properties ?? []
        func key(_ p: PropertyResult) -> String { "\(p.kind.rawValue)\u{0}\(p.name)" }
        let before = Dictionary(baseProperties.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        let now = Set(headProperties.map(key))
        for p in headProperties {
            // Absent from the base: a new property, or a base that could not be explored.
            let old = before[key(p)]?.status
            out.append(PropertyChange(name: p.name, kind: p.kind.rawValue, base: old, head: p.status,
                                      verdict: verdict(base: old, head: p.status), headProperty: p))
        }
        for p in baseProperties where !now.contains(key(p)) {
            out.append(PropertyChange(name: p.name, kind: p.kind.rawValue, base: p.status, head: nil, verdict: .removed,
                                      headProperty: nil))
        }
        return out
    }

    static func verdict(base: PropertyResult.Status?, head: PropertyResult.Status?) -> Verdict {
        switch (base, head) {
        case (_, nil): return .removed
        case (.violated?, .violated?): return .stillFailing
        case (_, .violated?): return .newFailure
        case (_, .unknown?): return .unknown
        case (.violated?, .holds?): return .fixed
        case (nil, .holds?): return .added
        case (_, .holds?): return .holds
        }
    }
}
