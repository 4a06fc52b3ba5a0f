import CPNLoad
import CPNModel

/// Writes a net as a PNML place/transition net (ISO/IEC 15909-2 `ptnet`).
///
/// A P/T net (every place `Unit`) is written as it is. A colored net is
/// unfolded first (see `Unfolding`): one PNML place per (place, value) named
/// `place[value]`, one PNML transition per binding. PNML P/T nets have no
/// capacities, so a net with `capacity` is refused rather than silently
/// given more behaviours. A `read:` arc becomes an arc in and an arc out (the
/// same behaviour without capacities); an `unless:` arc becomes inhibitor
/// arcs as TAPAAL writes them (`<type value="inhibitor"/>`), or is refused
/// when they cannot say it.
public enum PNMLExport {
    public static func pnml(_ net: CheckedNet) throws(InteropError) -> String {
        if let p = net.places.first(where: { $0.capacity != nil }) {
            throw InteropError("place `\(p.name)` has a capacity, which PNML P/T nets cannot express",
                               help: "export to Promela instead (`--to promela`), which keeps capacities")
        }
        let u = try Unfolding(net)
        var placeID: [Unfolding.Cell: String] = [:]
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<!-- Written by cpn-author export (PNML): \(u.cells.count) places, \(u.steps.count) transitions. -->\n"
        out += "<pnml xmlns=\"http://www.pnml.org/version-2009/grammar/pnml\">\n"
        out += "  <net id=\"\(escape(PromelaExport.sanitize(net.net.name)))\" type=\"http://www.pnml.org/version-2009/grammar/ptnet\">\n"
        out += "    <name><text>\(escape(net.net.name))</text></name>\n"
        out += "    <page id=\"page0\">\n"
        for (i, cell) in u.cells.enumerated() {
            let place = net.places[cell.place]
            let id = "p\(i)"
            placeID[cell] = id
            var name = place.name
            if place.color.cardinality != 1, let v = place.color.value(at: cell.valueIndex) { name += "[\(place.color.format(v))]" }
            out += "      <place id=\"\(id)\"><name><text>\(escape(name))</text></name>"
            if let n = u.initial[cell], n > 0 { out += "<initialMarking><text>\(n)</text></initialMarking>" }
            out += "</place>\n"
        }
        var arcCount = 0
        var arcs = ""
        for (i, step) in u.steps.enumerated() {
            let t = net.transitions[step.transition]
            let name = step.binding.isEmpty ? t.name : "\(t.name)[\(step.binding)]"
            out += "      <transition id=\"t\(i)\"><name><text>\(escape(name))</text></name></transition>\n"
            // A read arc is a self-loop here: without capacities a P/T net
            // cannot tell taking and giving back from leaving in place.
            let taken = step.consumed.merging(step.read, uniquingKeysWith: +)
            let given = step.produced.merging(step.read, uniquingKeysWith: +)
            for (cell, n) in taken.sorted(by: { ($0.key.place, $0.key.valueIndex) < ($1.key.place, $1.key.valueIndex) }) {
                arcs += arc(&arcCount, placeID[cell]!, "t\(i)", n)
            }
            for (cell, n) in given.sorted(by: { ($0.key.place, $0.key.valueIndex) < ($1.key.place, $1.key.valueIndex) }) {
                arcs += arc(&arcCount, "t\(i)", placeID[cell]!, n)
            }
            for inhibitor in step.inhibitors {
                // TAPAAL's inhibitor arc (weight w: enabled while the place holds fewer than w)
                // says "fewer than n in one place", or "none in any of these" for n = 1.
                guard inhibitor.cells.count == 1 || inhibitor.limit == 1 else {
                    throw InteropError("transition `\(t.name)` has an `unless` arc with a count of \(inhibitor.limit) over several token values, which PNML inhibitor arcs cannot express",
                                       help: "export to Promela instead (`--to promela`), or make the `unless` pattern match one value")
                }
                for cell in inhibitor.cells { arcs += arc(&arcCount, placeID[cell]!, "t\(i)", inhibitor.limit, inhibitor: true) }
            }
        }
        out += arcs
        out += "    </page>\n  </net>\n</pnml>\n"
        return out
    }

    private static func arc(_ count: inout Int, _ source: String, _ target: String, _ weight: Int, inhibitor: Bool = false) -> String {
        defer { count += 1 }
        let inscription = weight == 1 ? "" : "<inscription><text>\(weight)</text></inscription>"
        let type = inhibitor ? "<type value=\"inhibitor\"/>" : ""
        return "      <arc id=\"a\(count)\" source=\"\(source)\" target=\"\(target)\">\(inscription)\(type)</arc>\n"
    }

    /// Text and attribute values. Names come from untrusted nets: markup is
    /// escaped, and the characters XML 1.0 cannot hold at all (controls other
    /// than tab and line breaks, U+FFFE, U+FFFF) become U+FFFD, so the file
    /// stays well-formed whatever the name.
    static func escape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            case _ where scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value): out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
