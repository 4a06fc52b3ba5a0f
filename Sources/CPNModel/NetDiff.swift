import CPNDiagnostics

/// What changed between two versions of a net, element by element: colors,
/// constants, places, transitions, invariants and `final`.
///
/// Elements are matched by name; a renamed element shows as one removal and one
/// addition. Expressions are compared by their canonical text (`Expr.rendered`),
/// so re-indenting a guard or adding redundant parentheses is not a change.
/// Descriptions are prose and not compared. `revise` prints this after the model
/// edits a net; `review` prints it for every net a pull request changes.
public struct NetDiff: Sendable {
    public enum Element: String, Sendable, CaseIterable {
        case color, constant, place, transition, invariant, final
    }

    public enum Kind: String, Sendable {
        case added, removed, changed
    }

    public struct Change: Sendable {
        public var kind: Kind
        public var element: Element
        public var name: String
        /// For `changed`: one line per aspect that differs, e.g. "guard: `n < 3` → `n <= 3`".
        /// For `added`: a one-line summary of the new element.
        public var details: [String]
        /// Where the element is in the old file (removed, changed) and the new one (added, changed).
        public var oldSpan: SourceSpan?
        public var newSpan: SourceSpan?

        public init(kind: Kind, element: Element, name: String, details: [String] = [],
                    oldSpan: SourceSpan? = nil, newSpan: SourceSpan? = nil) {
            self.kind = kind
            self.element = element
            self.name = name
            self.details = details
            self.oldSpan = oldSpan
            self.newSpan = newSpan
        }
    }

    /// Changes in element order (colors, constants, places, transitions, invariants,
    /// final), and within one element kind in the order of the new file, removals last.
    public private(set) var changes: [Change] = []

    public var isEmpty: Bool { changes.isEmpty }

    public init(from old: Net, to new: Net) {
        compare(old.colors, new.colors, .color, name: \.name, span: \.span) { a, b in
            Self.aspect("color", a.syntax.rendered, b.syntax.rendered)
        } summary: { $0.syntax.rendered }
        compare(old.constants, new.constants, .constant, name: \.name, span: \.span) { a, b in
            Self.aspect("value", a.value.rendered, b.value.rendered)
        } summary: { $0.value.rendered }
        compare(old.places, new.places, .place, name: \.name, span: \.span, differences: Self.placeDifferences) {
            $0.color.rendered + (($0.capacity.map(String.init) ?? $0.capacityExpr?.rendered).map { ", capacity \($0)" } ?? "")
        }
        compare(old.transitions, new.transitions, .transition, name: \.name, span: \.span,
                differences: Self.transitionDifferences) { t in
            let inputs = t.inputs.map(\.place).joined(separator: ", ")
            let outputs = t.outputs.map(\.place).joined(separator: ", ")
            return "[\(inputs)] → [\(outputs)]" + (t.guardExpr.map { " if `\($0.rendered)`" } ?? "")
        }
        compare(old.invariants, new.invariants, .invariant, name: \.name, span: \.span) { a, b in
            Self.aspect("expression", a.expr.rendered, b.expr.rendered)
        } summary: { "`\($0.expr.rendered)`" }
        switch (old.final, new.final) {
        case (nil, nil): break
        case (nil, let b?): changes.append(Change(kind: .added, element: .final, name: "final", details: ["`\(b.rendered)`"], newSpan: b.span))
        case (let a?, nil): changes.append(Change(kind: .removed, element: .final, name: "final", oldSpan: a.span))
        case (let a?, let b?):
            if a.rendered != b.rendered {
                changes.append(Change(kind: .changed, element: .final, name: "final",
                                      details: ["`\(a.rendered)` → `\(b.rendered)`"], oldSpan: a.span, newSpan: b.span))
            }
        }
    }

    /// How many changes of each kind, e.g. "2 added, 1 changed".
    public var summary: String {
        if changes.isEmpty { return "no structural change" }
        return [Kind.added, .removed, .changed].compactMap { kind in
            let n = changes.count { $0.kind == kind }
            return n == 0 ? nil : "\(n) \(kind.rawValue)"
        }.joined(separator: ", ")
    }

    /// One line per change, `+` added, `-` removed, `~` changed, details indented:
    ///
    ///     + place retry_wait: Target, capacity 3
    ///     ~ transition fetch
    ///         guard: `n < LIMIT` → `n <= LIMIT`
    ///     - invariant no_double_lease
    public func rendered() -> String {
        var lines: [String] = []
        for change in changes {
            let mark = switch change.kind { case .added: "+"; case .removed: "-"; case .changed: "~" }
            // `final` is both the element and its only name.
            let head = change.element == .final ? "\(mark) final" : "\(mark) \(change.element.rawValue) \(change.name)"
            switch change.kind {
            case .added where change.details.count == 1:
                lines.append("\(head): \(change.details[0])")
            default:
                lines.append(head)
                lines.append(contentsOf: change.details.map { "    \($0)" })
            }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Matching by name

    private mutating func compare<T>(_ old: [T], _ new: [T], _ element: Element,
                                     name: KeyPath<T, String>, span: KeyPath<T, SourceSpan>,
                                     differences: (T, T) -> [String], summary: (T) -> String) {
        // Duplicate names are a check error; the first of each name stands for it here.
        var oldByName: [String: T] = [:]
        for item in old where oldByName[item[keyPath: name]] == nil { oldByName[item[keyPath: name]] = item }
        var seen: Set<String> = []
        for item in new {
            let key = item[keyPath: name]
            guard seen.insert(key).inserted else { continue }
            if let before = oldByName[key] {
                let details = differences(before, item)
                if !details.isEmpty {
                    changes.append(Change(kind: .changed, element: element, name: key, details: details,
                                          oldSpan: before[keyPath: span], newSpan: item[keyPath: span]))
                }
            } else {
                changes.append(Change(kind: .added, element: element, name: key, details: [summary(item)],
                                      newSpan: item[keyPath: span]))
            }
        }
        var removedSeen: Set<String> = []
        for item in old where !seen.contains(item[keyPath: name]) && removedSeen.insert(item[keyPath: name]).inserted {
            changes.append(Change(kind: .removed, element: element, name: item[keyPath: name], oldSpan: item[keyPath: span]))
        }
    }

    private mutating func compare<T>(_ old: [T], _ new: [T], _ element: Element,
                                     name: KeyPath<T, String>, span: KeyPath<T, SourceSpan>,
                                     difference: (T, T) -> String?, summary: (T) -> String) {
        compare(old, new, element, name: name, span: span,
                differences: { a, b in difference(a, b).map { [$0] } ?? [] }, summary: summary)
    }

    // MARK: - Aspects

    private static func aspect(_ label: String, _ a: String, _ b: String) -> String? {
        a == b ? nil : "\(label): `\(a)` → `\(b)`"
    }

    private static func optionalAspect(_ label: String, _ a: String?, _ b: String?) -> String? {
        switch (a, b) {
        case (nil, nil): nil
        case (nil, let b?): "\(label) added: `\(b)`"
        case (let a?, nil): "\(label) removed (was `\(a)`)"
        case (let a?, let b?): aspect(label, a, b)
        }
    }

    private static func placeDifferences(_ a: Place, _ b: Place) -> [String] {
        var out: [String] = []
        if let d = aspect("color", a.color.rendered, b.color.rendered) { out.append(d) }
        let initialA = a.initial.map(\.rendered).joined(separator: ", ")
        let initialB = b.initial.map(\.rendered).joined(separator: ", ")
        if let d = aspect("initial", "[\(initialA)]", "[\(initialB)]") { out.append(d) }
        if let d = optionalAspect("capacity", a.capacity.map(String.init) ?? a.capacityExpr?.rendered,
                                  b.capacity.map(String.init) ?? b.capacityExpr?.rendered) { out.append(d) }
        if let d = optionalAspect("order", a.order.map(render), b.order.map(render)) { out.append(d) }
        return out
    }

    private static func render(_ order: PlaceOrder) -> String {
        (order.highest ? "highest " : "lowest ") + order.key.rendered
    }

    private static func transitionDifferences(_ a: Transition, _ b: Transition) -> [String] {
        var out: [String] = []
        if let d = optionalAspect("guard", a.guardExpr?.rendered, b.guardExpr?.rendered) { out.append(d) }
        out += arcDifferences("input from", a.inputs, b.inputs)
        out += arcDifferences("output to", a.outputs, b.outputs)
        out += arcDifferences("read of", a.reads, b.reads)
        out += arcDifferences("unless on", a.inhibitors, b.inhibitors)
        out += arcDifferences("cancel from", a.cancels, b.cancels)
        return out
    }

    /// Arcs are matched by place; an arc's inscriptions compare as a list.
    private static func arcDifferences(_ label: String, _ a: [Arc], _ b: [Arc]) -> [String] {
        func text(_ arc: Arc) -> String { arc.inscriptions.map(\.rendered).joined(separator: ", ") }
        var before: [String: String] = [:]
        for arc in a { before[arc.place, default: ""] += (before[arc.place] == nil ? "" : ", ") + text(arc) }
        var after: [String: String] = [:]
        var order: [String] = []
        for arc in b {
            if after[arc.place] == nil { order.append(arc.place) }
            after[arc.place, default: ""] += (after[arc.place] == nil ? "" : ", ") + text(arc)
        }
        var out: [String] = []
        for place in order {
            let now = after[place]!
            if let was = before[place] {
                if was != now { out.append("\(label) \(place): `\(was)` → `\(now)`") }
            } else {
                out.append("\(label) \(place) added: `\(now)`")
            }
        }
        for arc in a where after[arc.place] == nil && !out.contains(where: { $0.hasPrefix("\(label) \(arc.place) removed") }) {
            out.append("\(label) \(arc.place) removed (was `\(before[arc.place]!)`)")
        }
        return out
    }
}
