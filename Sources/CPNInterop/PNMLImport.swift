import CPNDiagnostics
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads a PNML place/transition net (ISO/IEC 15909-2, `ptnet` type) and
/// writes it in the YAML net format: every place a `Unit` place, initial
/// markings and arc weights as token counts.
///
/// Pages are flattened, reference places and transitions are resolved to
/// the nodes they stand for, and names become identifiers (the PNML `name`
/// when it is one and unique, otherwise the node's id made valid).
public enum PNMLImport {
    public struct Result: Sendable {
        /// The net in the YAML format, ready for `NetLoader.load(text:path:)`.
        public var yaml: String
        public var places: Int
        public var transitions: Int
        public var arcs: Int
    }

    public static func convert(data: Data, path: String) -> Swift.Result<Result, Diagnostic> {
        let reader = PNMLReader(path: path)
        let parser = XMLParser(data: data)
        parser.delegate = reader
        parser.shouldResolveExternalEntities = false
        // On Linux, XMLParser.parse() can return true after an error, and
        // reports nothing for an unclosed document: rely on the delegate.
        let ok = parser.parse()
        if let d = reader.failure { return .failure(d) }
        if let (code, span) = reader.xmlError ?? (ok ? nil : ((parser.parserError as NSError?)?.code ?? 0, reader.here(parser))) {
            return .failure(Diagnostic(.invalidPNML, "not well-formed XML: \(xmlErrorText(code))", at: span,
                                       help: "a PNML file is XML: check that every tag is closed"))
        }
        if !reader.sawRoot {
            return .failure(Diagnostic(.invalidPNML, "the file holds no XML element", at: SourceSpan(file: path, line: 1, column: 1),
                                       help: "a PNML file starts with <pnml xmlns=\"http://www.pnml.org/version-2009/grammar/pnml\">"))
        }
        if let open = reader.stack.last {
            return .failure(Diagnostic(.invalidPNML, "the document ends inside <\(open)>", at: reader.here(parser),
                                       help: "close every element; the file may be truncated"))
        }
        if let d = reader.failure { return .failure(d) }
        return reader.finish()
    }
}

/// SAX-style reader collecting places, transitions and arcs with their positions.
private final class PNMLReader: NSObject, XMLParserDelegate {
    struct Node { var id: String; var name: String?; var marking: Int = 0; var reference: String?; var span: SourceSpan }
    struct Arc { var id: String; var source: String; var target: String; var weight: Int = 1; var span: SourceSpan }

    let path: String
    var failure: Diagnostic?
    var xmlError: (Int, SourceSpan)?
    var sawRoot = false
    var sawNet = false
    var places: [Node] = []
    var transitions: [Node] = []
    var arcs: [Arc] = []
    var netName: String?
    /// Element names from the root to the current element.
    var stack: [String] = []
    var text = ""
    var currentSpan = SourceSpan(file: "", line: 1, column: 1)
    var textSpan = SourceSpan(file: "", line: 1, column: 1)

    init(path: String) { self.path = path }

    func fail(_ parser: XMLParser, _ message: String, help: String? = nil, at span: SourceSpan? = nil) {
        guard failure == nil else { return }
        failure = Diagnostic(.invalidPNML, message, at: span ?? here(parser), help: help)
        parser.abortParsing()
    }

    func here(_ parser: XMLParser) -> SourceSpan {
        SourceSpan(file: path, line: max(1, parser.lineNumber), column: max(1, parser.columnNumber))
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let local = name.split(separator: ":").last.map(String.init) ?? name
        currentSpan = here(parser)
        sawRoot = true
        if stack.isEmpty, local != "pnml" {
            fail(parser, "the root element is <\(local)>, not <pnml>", help: "a PNML file starts with <pnml xmlns=\"http://www.pnml.org/version-2009/grammar/pnml\">")
            return
        }
        stack.append(local)
        text = ""
        switch local {
        case "net":
            if sawNet { fail(parser, "the file holds more than one <net>", help: "convert one net per file"); return }
            sawNet = true
            guard let type = attributes["type"] else {
                fail(parser, "<net> has no `type` attribute",
                     help: "a P/T net is `<net id=\"n\" type=\"http://www.pnml.org/version-2009/grammar/ptnet\">`")
                return
            }
            guard type.hasSuffix("ptnet") else {
                fail(parser, "net type `\(type)` is not a place/transition net",
                     help: "only PNML P/T nets (type ending in `ptnet`) can be read; write colored nets in the YAML format")
                return
            }
        case "place", "referencePlace":
            guard let id = attributes["id"] else { fail(parser, "<\(local)> without an `id`"); return }
            places.append(Node(id: id, reference: local == "referencePlace" ? attributes["ref"] : nil, span: currentSpan))
        case "transition", "referenceTransition":
            guard let id = attributes["id"] else { fail(parser, "<\(local)> without an `id`"); return }
            transitions.append(Node(id: id, reference: local == "referenceTransition" ? attributes["ref"] : nil, span: currentSpan))
        case "arc":
            guard let id = attributes["id"], let s = attributes["source"], let t = attributes["target"] else {
                fail(parser, "<arc> needs `id`, `source` and `target` attributes"); return
            }
            arcs.append(Arc(id: id, source: s, target: t, span: currentSpan))
        case "text":
            textSpan = currentSpan
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred error: any Error) {
        if xmlError == nil { xmlError = ((error as NSError).code, here(parser)) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        defer { if !stack.isEmpty { stack.removeLast() } }
        let local = name.split(separator: ":").last.map(String.init) ?? name
        guard local == "text", stack.count >= 3 else { return }
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let label = stack[stack.count - 2], owner = stack[stack.count - 3]
        switch (owner, label) {
        case ("net", "name"): netName = value
        case ("place", "name"), ("referencePlace", "name"): places[places.count - 1].name = value
        case ("transition", "name"), ("referenceTransition", "name"): transitions[transitions.count - 1].name = value
        case ("place", "initialMarking"):
            guard let n = Int(value), n >= 0 else {
                fail(parser, "initial marking `\(value)` is not a non-negative integer", at: textSpan); return
            }
            places[places.count - 1].marking = n
        case ("arc", "inscription"):
            guard let n = Int(value), n >= 1 else {
                fail(parser, "arc weight `\(value)` is not a positive integer", at: textSpan); return
            }
            arcs[arcs.count - 1].weight = n
        default: break
        }
    }

    func finish() -> Swift.Result<PNMLImport.Result, Diagnostic> {
        guard sawNet else {
            return .failure(Diagnostic(.invalidPNML, "the file holds no <net>", at: SourceSpan(file: path, line: 1, column: 1)))
        }
        // Resolve references (possibly chained) to the real node ids.
        func resolve(_ nodes: [Node]) -> [String: String] {
            var target: [String: String] = [:]
            for n in nodes { target[n.id] = n.reference ?? n.id }
            for n in nodes {
                var seen: Set<String> = [n.id], id = n.id
                while let next = target[id], next != id, !seen.contains(next) { seen.insert(next); id = next }
                target[n.id] = id
            }
            return target
        }
        let placeOf = resolve(places), transitionOf = resolve(transitions)
        let realPlaces = places.filter { $0.reference == nil }, realTransitions = transitions.filter { $0.reference == nil }
        var used = Set<String>()
        func identifiers(_ nodes: [Node], prefix: String) -> [String: String] {
            var result: [String: String] = [:]
            for n in nodes {
                var candidates: [String] = []
                if let name = n.name, isIdentifier(name) { candidates.append(name) }
                candidates.append(makeIdentifier(n.id, prefix: prefix))
                var chosen = candidates.first { !used.contains($0) } ?? candidates.last!
                var k = 2
                let base = chosen
                while used.contains(chosen) { chosen = "\(base)_\(k)"; k += 1 }
                used.insert(chosen)
                result[n.id] = chosen
            }
            return result
        }
        let placeName = identifiers(realPlaces, prefix: "p"), transitionName = identifiers(realTransitions, prefix: "t")
        var inputs: [String: [(String, Int)]] = [:], outputs: [String: [(String, Int)]] = [:]
        for arc in arcs {
            let sp = placeOf[arc.source].flatMap { placeName[$0] }, st = transitionOf[arc.source].flatMap { transitionName[$0] }
            let tp = placeOf[arc.target].flatMap { placeName[$0] }, tt = transitionOf[arc.target].flatMap { transitionName[$0] }
            if let p = sp, let t = tt {
                inputs[t, default: []].append((p, arc.weight))
            } else if let t = st, let p = tp {
                outputs[t, default: []].append((p, arc.weight))
            } else if sp == nil && st == nil {
                return .failure(Diagnostic(.invalidPNML, "arc `\(arc.id)` starts at `\(arc.source)`, which is no place or transition", at: arc.span))
            } else if tp == nil && tt == nil {
                return .failure(Diagnostic(.invalidPNML, "arc `\(arc.id)` ends at `\(arc.target)`, which is no place or transition", at: arc.span))
            } else {
                return .failure(Diagnostic(.invalidPNML, "arc `\(arc.id)` joins two \(sp != nil ? "places" : "transitions")",
                                           at: arc.span, help: "arcs in a Petri net go from a place to a transition or back"))
            }
        }
        var yaml = "# Converted from \(path) by cpn-author convert (PNML P/T net).\n"
        yaml += "cpn: 1\n"
        yaml += "name: \(quote(netName.flatMap { $0.isEmpty ? nil : $0 } ?? (path as NSString).lastPathComponent))\n"
        yaml += "places:\n"
        if realPlaces.isEmpty { yaml += "  {}\n" }
        for p in realPlaces {
            let name = placeName[p.id]!
            yaml += p.marking > 0 ? "  \(name): { color: Unit, initial: \(p.marking) }\n" : "  \(name): Unit\n"
        }
        if !realTransitions.isEmpty { yaml += "transitions:\n" }
        func inscriptions(_ list: [(String, Int)]?) -> String {
            // Several arcs between the same pair add up.
            var total: [(String, Int)] = []
            for (p, w) in list ?? [] {
                if let i = total.firstIndex(where: { $0.0 == p }) { total[i].1 += w } else { total.append((p, w)) }
            }
            return "{ " + total.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + " }"
        }
        for t in realTransitions {
            let name = transitionName[t.id]!
            var parts: [String] = []
            if inputs[name] != nil { parts.append("in: \(inscriptions(inputs[name]))") }
            if outputs[name] != nil { parts.append("out: \(inscriptions(outputs[name]))") }
            yaml += "  \(name): { \(parts.joined(separator: ", ")) }\n"
        }
        return .success(PNMLImport.Result(yaml: yaml, places: realPlaces.count, transitions: realTransitions.count, arcs: arcs.count))
    }
}

/// Foundation's XMLParser reports libxml2's error numbers with no text on Linux.
func xmlErrorText(_ code: Int) -> String {
    switch code {
    case 4: "the document is empty"
    case 5: "the document ends too early, or has content after its end"
    case 9: "an invalid character"
    case 73: "`>` expected"
    case 76: "a closing tag does not match its opening tag"
    case 77: "a tag is not finished"
    case 80: "`--` inside a comment"
    default: "XML parser error \(code)"
    }
}

func isIdentifier(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
    let reserved: Set<String> = ["true", "false", "if", "then", "else", "with", "forall", "exists", "in", "Unit", "Bool", "Int"]
    return !reserved.contains(s) && s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
}

func makeIdentifier(_ s: String, prefix: String) -> String {
    var out = String(s.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) ? Character($0) : "_" })
    if out.isEmpty || !(out.first!.isLetter || out.first == "_") { out = prefix + "_" + out }
    return isIdentifier(out) ? out : prefix + "_" + out
}

func quote(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default: out.unicodeScalars.append(c)
        }
    }
    return out + "\""
}
