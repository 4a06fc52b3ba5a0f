import CPNExplore
import CPNStructure

/// The structural section of the text report (`verify --structure`), in the
/// manner of CPN Tools' state-space report: P-invariants, T-invariants, and
/// the declared invariants the structure proves. It goes just before the
/// verdict, which stays the last line.
extension TextReport {
    public func render(_ r: ExplorationResult, structure: StructuralReport?) -> String {
        let base = render(r)
        guard let structure else { return base }
        let section = renderStructure(structure)
        guard let verdict = base.range(of: "\nverdict: ", options: .backwards) else { return base + "\n" + section }
        return String(base[..<verdict.lowerBound]) + "\n" + section + String(base[verdict.lowerBound...])
    }

    public func renderStructure(_ s: StructuralReport) -> String {
        var out = "  structure"
        if let u = s.unfolding {
            out += " (unfolded net: \(group(u.places)) place\(u.places == 1 ? "" : "s"), \(group(u.bindings)) binding\(u.bindings == 1 ? "" : "s"))\n"
        } else {
            out += ": \(s.notComputed ?? "not computed")\n"
            return out
        }
        out += "    P-invariants (weighted token sums no firing changes)"
        if !s.placeInvariants.computed {
            out += ": \(s.placeInvariants.reason ?? "not computed")\n"
        } else if s.placeInvariants.items.isEmpty {
            out += ": none\n"
        } else {
            out += ":\n"
            for p in s.placeInvariants.items {
                out += "      \(p.text) = \(p.initialValue)"
                if let exceptions = p.exceptions {
                    // Grouped by value: ", except 1 for (id = 1, domain = shop), (id = 2, domain = shop)".
                    var values: [Int] = [], instances: [Int: [String]] = [:]
                    for e in exceptions {
                        if instances[e.initialValue] == nil { values.append(e.initialValue) }
                        instances[e.initialValue, default: []].append("(\(e.instance))")
                    }
                    out += ", except " + values.map { "\($0) for " + instances[$0]!.joined(separator: ", ") }.joined(separator: "; ")
                }
                out += "\n"
            }
        }
        out += "    T-invariants (firings that, together, return to the marking they start from)"
        if !s.transitionInvariants.computed {
            out += ": \(s.transitionInvariants.reason ?? "not computed")\n"
        } else if s.transitionInvariants.items.isEmpty {
            out += ": none\n"
        } else {
            out += ":\n"
            for t in s.transitionInvariants.items {
                out += "      \(t.text)" + (t.count > 1 ? "  (\(t.count) of them, with different bindings)" : "") + "\n"
            }
        }
        if !s.declaredInvariants.isEmpty {
            let proved = s.declaredInvariants.count { $0.status == .proved }
            out += "    declared invariants proved by structure: \(proved) of \(s.declaredInvariants.count)\n"
            let width = max(24, (s.declaredInvariants.map { $0.name.count }.max() ?? 0) + 4)
            for d in s.declaredInvariants {
                let status: String = switch d.status {
                case .proved: paint("proved", .green) + String(DeclaredInvariantProof.provedText.dropFirst("proved".count))
                case .notProved: "not proved"
                case .notLinear: "not structural"
                case .notComputed: "not computed"
                }
                out += "      \(d.name) \(String(repeating: ".", count: max(2, width - d.name.count))) \(status)\n"
                out += "        \(d.detail)\n"
            }
        }
        return out
    }
}
