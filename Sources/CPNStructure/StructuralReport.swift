/// What structural analysis found, as a value the reports render and the
/// verifier consumes (`declared(named:)`): invariants that hold by the net's
/// structure alone, whatever the initial marking's weighted token sums allow.
///
/// Each part can be missing on its own: the unfolding may be too large (then
/// nothing is computed), or the Farkas algorithm may blow up for P- or
/// T-invariants while declared invariants are still checked (their proof needs
/// the incidence matrix only, not the full set of P-invariants).
public struct StructuralReport: Sendable, Codable, Equatable {
    /// Unfolded places (place × color value) and bindings; nil when the net could not be unfolded.
    public var unfolding: UnfoldingSize?
    /// Why the net was not unfolded, when it was not.
    public var notComputed: String?
    public var placeInvariants: InvariantList<PlaceInvariant>
    public var transitionInvariants: InvariantList<TransitionInvariant>
    /// One entry per declared invariant, in the net's order.
    public var declaredInvariants: [DeclaredInvariantProof]

    public init(unfolding: UnfoldingSize?, notComputed: String?, placeInvariants: InvariantList<PlaceInvariant>,
                transitionInvariants: InvariantList<TransitionInvariant>, declaredInvariants: [DeclaredInvariantProof]) {
        self.unfolding = unfolding
        self.notComputed = notComputed
        self.placeInvariants = placeInvariants
        self.transitionInvariants = transitionInvariants
        self.declaredInvariants = declaredInvariants
    }

    /// The structural answer for the declared invariant `name`, if the net declares one.
    public func declared(named name: String) -> DeclaredInvariantProof? {
        declaredInvariants.first { $0.name == name }
    }

    enum CodingKeys: String, CodingKey {
        case unfolding
        case notComputed = "not_computed"
        case placeInvariants = "p_invariants"
        case transitionInvariants = "t_invariants"
        case declaredInvariants = "declared_invariants"
    }
}

public struct UnfoldingSize: Sendable, Codable, Equatable {
    /// Unfolded places: one per (place, value of its color).
    public var places: Int
    /// Unfolded transitions: one per binding the guard and colors allow.
    public var bindings: Int

    public init(places: Int, bindings: Int) {
        self.places = places
        self.bindings = bindings
    }
}

/// A list of invariants, or why it was not computed.
public struct InvariantList<Item: Sendable & Codable & Equatable>: Sendable, Codable, Equatable {
    /// False when the computation stopped (too large, time limit); `items` is then empty.
    public var computed: Bool
    public var reason: String?
    public var items: [Item]

    enum CodingKeys: String, CodingKey { case computed, reason, items }
}

/// A weighted token sum that no firing changes (y·C = 0, y ≥ 0, minimal support).
public struct PlaceInvariant: Sendable, Codable, Equatable {
    /// The weighted places in the net's terms, e.g. `proxies(p1) + in_flight(p1, _)`.
    public var text: String
    public var terms: [Term]
    /// The sum in the initial marking, which it keeps forever; for a family,
    /// the value of every instance not listed in `exceptions`.
    public var initialValue: Int
    /// How many minimal invariants this line stands for (a family over a color is one line).
    public var count: Int
    /// Instances of a family that start with another value than `initialValue`.
    public var exceptions: [Exception]?

    public struct Exception: Sendable, Codable, Equatable {
        /// The family's variables for this instance, `id = 1, domain = shop`.
        public var instance: String
        public var initialValue: Int

        enum CodingKeys: String, CodingKey {
            case instance
            case initialValue = "initial_value"
        }
    }

    public struct Term: Sendable, Codable, Equatable {
        public var place: String
        /// The tokens counted, as a pattern of the place's color (`(p1, _)`); nil for all of them.
        public var pattern: String?
        public var weight: Int
    }

    enum CodingKeys: String, CodingKey {
        case text, terms, count, exceptions
        case initialValue = "initial_value"
    }
}

/// A multiset of firings that leaves the marking as it found it (C·x = 0, x ≥ 0, minimal support).
public struct TransitionInvariant: Sendable, Codable, Equatable {
    /// The transitions with how often each fires, e.g. `take_first + take_second + finish`.
    public var text: String
    public var transitions: [Firing]
    /// How many minimal invariants (differing only in their bindings) this line stands for.
    public var count: Int

    public struct Firing: Sendable, Codable, Equatable {
        public var transition: String
        public var times: Int
    }
}

/// Whether a declared invariant holds by structure alone.
public struct DeclaredInvariantProof: Sendable, Codable, Equatable {
    public var name: String
    public var status: Status
    /// The argument (`proved`), or why there is none; a sentence without the status.
    public var detail: String

    /// How a report says `proved`: what a structural proof covers.
    public static let provedText = "proved (structural, any initial marking with the same weighted token sums)"

    public enum Status: String, Sendable, Codable, Equatable {
        /// Holds in every reachable marking of every initial marking with the same weighted sums.
        case proved
        /// A linear constraint, but no P-invariant argument was found (it may still hold).
        case notProved = "not-proved"
        /// Not a linear (in)equality over the marking: outside what structure can prove.
        case notLinear = "not-linear"
        /// The net could not be unfolded, or a weight could not be evaluated.
        case notComputed = "not-computed"
    }
}
