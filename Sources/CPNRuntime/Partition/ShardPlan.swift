import CPNJSON
import CPNLoad
import CPNModel

/// How a partitioned run (`run --partition KEY --store A --store B ...`)
/// places tokens: which shard owns a token, from the key inside it, and which
/// transitions each shard fires. Built only from a `PartitionProof` that says
/// the net is partitionable, so no firing ever needs two shards.
///
/// A keyed token belongs to shard `index(key) mod count`, where `index` is
/// the key's number in its color when every keyed place holds the key in the
/// same finite color (`enum [acme, globex, initech]` over three stores: one
/// tenant each, in declaration order), and a 64-bit FNV-1a hash of the key's
/// text otherwise. Global places' tokens, and the transitions that touch only
/// global places, belong to shard 0. Adding a case to the key's color changes
/// the net's signature, so a store made with the old assignment is refused
/// rather than silently misread.
public struct ShardPlan: Sendable {
    public let key: String
    public let count: Int
    /// The places named global with `--global` (the proof's `.global(declared: true)` ones), sorted.
    public let declaredGlobal: [String]
    /// Per place: the positions (record field or tuple component numbers)
    /// leading to the key inside its tokens; nil for a global place.
    let paths: [[Int]?]
    /// Per place: the color of the key part (nil for a global place).
    let keyColors: [Color?]
    /// Whether every keyed place's key has one finite color: shards by number, not hash.
    let byNumber: Bool
    /// Transitions that touch only global places: fired by shard 0 alone.
    public let globalTransitions: Set<Int>

    /// The plan for `count` shards; throws `PartitionError` when the proof
    /// refutes partitioning, or a transition would make keyed tokens out of
    /// no keyed token (no shard would own the firing).
    public init(proof: PartitionProof, net: CheckedNet, count: Int) throws {
        guard count >= 1 else { throw PartitionError("a partitioned run needs at least one store") }
        guard proof.isPartitionable else {
            let crossing = proof.transitions.compactMap { t -> String? in
                if case .crosses(let why, _) = t.verdict { return "`\(t.name)`: \(why)" }
                return nil
            }
            throw PartitionError("net `\(proof.net)` cannot run partitioned by `\(proof.key)`"
                                 + (crossing.isEmpty ? ": no place holds the key" : ": " + crossing.joined(separator: "; ")),
                                 hint: "`cpn-author partition NET.yaml --by \(proof.key)` shows the argument arc by arc")
        }
        self.key = proof.key
        self.count = count
        self.declaredGlobal = proof.places.filter { $0.role == .global(declared: true) }.map(\.name).sorted()
        var paths: [[Int]?] = []
        var colors: [Color?] = []
        for (p, entry) in zip(net.places, proof.places) {
            guard case .keyed = entry.role, let steps = entry.paths.first else {
                paths.append(nil)
                colors.append(nil)
                continue
            }
            var color = p.color
            var positions: [Int] = []
            for step in steps {
                switch step {
                case .field(let f):
                    let i = color.fields?.firstIndex { $0.name == f } ?? 0
                    positions.append(i)
                    color = color.fields?[i].color ?? color
                case .component(let i):
                    positions.append(i)
                    color = color.components?[i] ?? color
                }
            }
            paths.append(positions)
            colors.append(color)
        }
        self.paths = paths
        self.keyColors = colors
        let distinct = Set(colors.compactMap { $0 })
        self.byNumber = distinct.count == 1 && distinct.first?.cardinality != nil
        var global = Set<Int>()
        for (i, t) in net.transitions.enumerated() {
            let touched = t.inputs.map(\.place) + t.outputs.map(\.place) + t.inhibitors.map(\.place)
            let keyedIn = t.inputs.contains { paths[$0.place] != nil }
            let keyedOut = t.outputs.contains { paths[$0.place] != nil }
            if touched.allSatisfy({ paths[$0] == nil }) { global.insert(i) }
            else if keyedOut && !keyedIn {
                throw PartitionError("transition `\(t.name)` makes keyed tokens without taking or reading one, so no shard owns its firings",
                                     hint: "give it an input arc on a keyed place (a per-key source), or run the net unpartitioned")
            }
        }
        self.globalTransitions = global
    }

    /// The key inside a token of `place`; nil for a global place.
    public func key(place: Int, value: Value) -> Value? {
        guard let path = paths[place] else { return nil }
        var v = value
        for i in path {
            guard let parts = v.parts, i < parts.count else { return nil }
            v = parts[i]
        }
        return v
    }

    /// The shard that owns a token of `place`.
    public func shard(place: Int, value: Value) -> Int {
        guard let k = key(place: place, value: value), let color = keyColors[place] else { return 0 }
        if byNumber, let n = color.index(of: k) { return n % count }
        return Int(Self.fnv1a(color.format(k)) % UInt64(count))
    }

    /// The key's text, for messages (`acme`).
    public func keyText(place: Int, value: Value) -> String? {
        guard let k = key(place: place, value: value), let color = keyColors[place] else { return nil }
        return color.format(k)
    }

    /// The net with only the initial tokens of shard `index`: what that shard
    /// runs, and what is explored to decide which invariants it can check.
    public func initialNet(of index: Int, _ net: CheckedNet) -> CheckedNet {
        net.keepingInitialTokens { place, token in shard(place: place, value: token.value) == index }
    }

    /// Whether shard `index` fires `transition` on its own.
    public func fires(_ transition: Int, in index: Int) -> Bool { index == 0 || !globalTransitions.contains(transition) }

    static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }
}

/// What a shard's store records about itself (`NetRecord.shard`, as JSON):
/// the key, its number among how many, and the invariants it checks. A store
/// is reopened only as the same shard of the same partition.
public struct ShardLabel: Sendable, Equatable {
    public var key: String
    public var index: Int
    public var count: Int
    public var declaredGlobal: [String]
    /// The invariants checked on this shard's marking at each firing.
    public var invariants: [String]

    public init(key: String, index: Int, count: Int, declaredGlobal: [String], invariants: [String]) {
        self.key = key
        self.index = index
        self.count = count
        self.declaredGlobal = declaredGlobal
        self.invariants = invariants
    }

    /// `shard 2 of 3 by tenant` (numbered from 1, as people count).
    public var summary: String { "shard \(index + 1) of \(count) by `\(key)`" }

    /// Same partition and place in it (the invariants checked may differ between versions).
    public func isSamePlace(as other: ShardLabel) -> Bool {
        key == other.key && index == other.index && count == other.count && declaredGlobal == other.declaredGlobal
    }

    public var json: String {
        JSONValue.object([
            ("key", .string(key)), ("index", .int(index)), ("count", .int(count)),
            ("global", .array(declaredGlobal.map(JSONValue.string))),
            ("invariants", .array(invariants.map(JSONValue.string))),
        ]).rendered
    }

    /// Nil when the text is not a label (a damaged store says so where it is read).
    public init?(json text: String) {
        guard case .object(let members)? = JSONValue.parse(text) else { return nil }
        let m = Dictionary(members, uniquingKeysWith: { a, _ in a })
        guard case .string(let key)? = m["key"], case .int(let index)? = m["index"], case .int(let count)? = m["count"],
              count >= 1, index >= 0, index < count else { return nil }
        func strings(_ v: JSONValue?) -> [String]? {
            guard case .array(let items)? = v else { return nil }
            let s = items.compactMap { if case .string(let x) = $0 { x } else { nil } }
            return s.count == items.count ? s : nil
        }
        guard let global = strings(m["global"]), let invariants = strings(m["invariants"]) else { return nil }
        self.init(key: key, index: index, count: count, declaredGlobal: global, invariants: invariants)
    }
}

/// The shard one engine runs: the plan, its number, and the invariants it checks.
public struct ShardAssignment: Sendable {
    public var plan: ShardPlan
    public var index: Int
    /// The invariants checked on this shard's marking before each commit:
    /// those that hold on every reachable marking of the shard alone.
    public var invariants: Set<String>

    public init(plan: ShardPlan, index: Int, invariants: Set<String>) {
        self.plan = plan
        self.index = index
        self.invariants = invariants
    }

    public var label: ShardLabel {
        ShardLabel(key: plan.key, index: index, count: plan.count, declaredGlobal: plan.declaredGlobal, invariants: invariants.sorted())
    }
}
