import CPNDiagnostics
import CPNJSON

/// What `PartitionAnalysis` found: per place, where the key is; per
/// transition, the key its tokens share, or why they may cross shards.
public struct PartitionProof: Sendable {
    public enum PlaceRole: Sendable, Equatable {
        /// The key is at this path in the place's color (`.1.domain`).
        case keyed(String)
        /// No shard owns its tokens: its color holds no key, or `--global` said so.
        case global(declared: Bool)
        /// The key is at several positions: which shard a token belongs to is not defined.
        case ambiguous([String])
    }

    public struct PlaceEntry: Sendable {
        public var name: String
        public var role: PlaceRole
        public var capacity: Int?
        public var ordered: Bool
        public var span: SourceSpan
        var paths: [[KeyStep]]
    }

    public enum Direction: String, Sendable { case input = "in", output = "out" }

    /// One token an arc takes or makes, and its key as a term over the binding.
    public struct ArcKey: Sendable {
        public var direction: Direction
        public var place: String
        public var inscription: String
        /// `t.domain`, or `-` on a global place.
        public var key: String
        public var span: SourceSpan
    }

    public enum TransitionVerdict: Sendable {
        /// Every token it takes and makes has this key.
        case keyed(String)
        /// It touches global places only.
        case global
        /// Why a firing may involve two shards, and the arcs that show it.
        case crosses(String, [ArcKey])
    }

    public struct TransitionEntry: Sendable {
        public var name: String
        public var span: SourceSpan
        public var arcs: [ArcKey]
        public var verdict: TransitionVerdict
    }

    public struct InvariantEntry: Sendable {
        public var name: String
        /// The keyed places it reads: such an invariant speaks of tokens of every key.
        public var keyedPlaces: [String]
        public var span: SourceSpan
    }

    public var net: String
    public var key: String
    /// The named color of the key's values, when it has one.
    public var keyColor: String?
    public var places: [PlaceEntry]
    public var transitions: [TransitionEntry]
    public var invariants: [InvariantEntry]
    /// Whether the net has delays: each shard then runs its own clock.
    public var timed: Bool

    public var isPartitionable: Bool {
        !transitions.contains { if case .crosses = $0.verdict { true } else { false } }
            && places.contains { if case .keyed = $0.role { true } else { false } }
    }

    var keyedPlaces: [PlaceEntry] { places.filter { if case .keyed = $0.role { true } else { false } } }
    var globalPlaces: [PlaceEntry] { places.filter { if case .global = $0.role { true } else { false } } }

    // MARK: - Text

    /// The report `cpn-author partition` prints; paths in spans as they were loaded.
    public var text: String {
        var out = ""
        let by = "`\(key)`" + (keyColor.map { $0 == key ? "" : " (color \($0))" } ?? "")
        let crossing = transitions.filter { if case .crosses = $0.verdict { true } else { false } }
        if keyedPlaces.isEmpty {
            out += "net `\(net)` cannot be partitioned by \(by): no place holds it\n"
        } else if crossing.isEmpty {
            out += "net `\(net)` can be partitioned by \(by): every firing stays within one shard\n"
        } else {
            out += "net `\(net)` cannot be partitioned by \(by): \(crossing.count) transition\(crossing.count == 1 ? "" : "s") may cross shards\n"
        }
        let width = places.map(\.name.count).max() ?? 0
        out += "places:\n"
        for p in places {
            let role: String
            switch p.role {
            case .keyed(let path): role = "keyed at \(path)"
            case .global(let declared): role = declared ? "global (--global)" : "global (holds no \(key))"
            case .ambiguous(let paths): role = "ambiguous: the key is at " + paths.joined(separator: " and ")
            }
            out += "  " + p.name.padded(to: width) + "  " + role + "\n"
        }
        out += "transitions:\n"
        for t in transitions {
            switch t.verdict {
            case .keyed(let k):
                out += "  \(t.name): one shard, key \(k)\n"
                for a in t.arcs { out += "    \(a.direction.rawValue) \(a.place): \(a.inscription)  key \(a.key)\n" }
            case .global:
                out += "  \(t.name): global (touches no keyed place)\n"
            case .crosses(let why, let arcs):
                out += "  \(t.name): CROSSES SHARDS: \(why)\n"
                out += "    --> \(Self.location(t.span))\n"
                for a in arcs {
                    out += "    \(a.direction.rawValue) \(a.place): \(a.inscription)  key \(a.key)  (\(Self.location(a.span)))\n"
                }
            }
        }
        let readsKeys = invariants.filter { !$0.keyedPlaces.isEmpty }
        if !invariants.isEmpty {
            out += "invariants:\n"
            for i in invariants {
                out += "  \(i.name): " + (i.keyedPlaces.isEmpty ? "global places only: checkable beside any shard"
                    : "reads keyed places (\(i.keyedPlaces.joined(separator: ", "))): a shard sees only its own tokens, so it can check this only if it holds for each key alone") + "\n"
            }
        }
        if isPartitionable {
            if timed {
                out += "note: the net is timed; each shard would run its own clock, which lets time pass in one shard while another is busy, where the whole net's clock stands still (specs/runtime.md §3): verify the timed properties for one key alone\n"
            }
            if !readsKeys.isEmpty {
                out += "note: \(readsKeys.count) invariant\(readsKeys.count == 1 ? "" : "s") read\(readsKeys.count == 1 ? "s" : "") keyed places; a sum or count over every key is not checked by any one shard\n"
            }
        }
        return out
    }

    static func location(_ span: SourceSpan) -> String { "\(span.file):\(span.start.line):\(span.start.column)" }

    // MARK: - JSON

    public var json: JSONValue {
        func arc(_ a: ArcKey) -> JSONValue {
            .object([("direction", .string(a.direction.rawValue)), ("place", .string(a.place)), ("inscription", .string(a.inscription)),
                     ("key", .string(a.key)), ("location", .string(Self.location(a.span)))])
        }
        return .object([
            ("net", .string(net)),
            ("key", .string(key)),
            ("key_color", keyColor.map(JSONValue.string) ?? .null),
            ("partitionable", .bool(isPartitionable)),
            ("timed", .bool(timed)),
            ("places", .array(places.map { p in
                switch p.role {
                case .keyed(let path): return .object([("place", .string(p.name)), ("role", .string("keyed")), ("key_at", .string(path))])
                case .global(let declared): return .object([("place", .string(p.name)), ("role", .string("global")), ("declared", .bool(declared))])
                case .ambiguous(let paths): return .object([("place", .string(p.name)), ("role", .string("ambiguous")), ("key_at", .array(paths.map(JSONValue.string)))])
                }
            })),
            ("transitions", .array(transitions.map { t in
                switch t.verdict {
                case .keyed(let k):
                    return .object([("transition", .string(t.name)), ("verdict", .string("one shard")), ("key", .string(k)), ("arcs", .array(t.arcs.map(arc)))])
                case .global:
                    return .object([("transition", .string(t.name)), ("verdict", .string("global"))])
                case .crosses(let why, let arcs):
                    return .object([("transition", .string(t.name)), ("verdict", .string("crosses shards")), ("reason", .string(why)),
                                    ("location", .string(Self.location(t.span))), ("arcs", .array(arcs.map(arc)))])
                }
            })),
            ("invariants", .array(invariants.map { i in
                .object([("invariant", .string(i.name)), ("keyed_places", .array(i.keyedPlaces.map(JSONValue.string)))])
            })),
        ])
    }
}
