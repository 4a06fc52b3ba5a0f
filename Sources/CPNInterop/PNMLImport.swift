import CPNDiagnostics
import CPNExpressions
import CPNLoad
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
///
/// Everything the importer does not implement is refused with the element's
/// line and column (see `PNMLGrammar`): reset, transport and timed arcs,
/// high-level (colored) labels, timed-arc and game extensions, tool data that
/// changes the firing rule, DTDs. Every error, including those the checker
/// finds in the converted net, points at the PNML element it comes from.
public enum PNMLImport {
    public struct Result: Sendable {
        /// The net in the YAML format, ready for `NetLoader.load(text:path:)`.
        public var yaml: String
        public var places: Int
        public var transitions: Int
        public var arcs: Int
        /// For line `n` of `yaml`, `origins[n - 1]` is the PNML element it was written from.
        public var origins: [SourceSpan]
        /// The `<net>` element: where lines that come from no element point.
        public var netSpan: SourceSpan

        /// The PNML position of a position in `yaml`.
        public func origin(of span: SourceSpan) -> SourceSpan {
            let line = span.start.line
            return line >= 1 && line <= origins.count ? origins[line - 1] : netSpan
        }

        /// Checks the converted net like any net file, with every diagnostic and
        /// every span of the model pointing into `original`, the PNML file.
        public func load(original: SourceFile) -> LoadResult {
            NetLoader.load(converted: yaml, original: original) { origin(of: $0) }
        }
    }

    public static func convert(data: Data, path: String) -> Swift.Result<Result, Diagnostic> {
        convert(text: String(decoding: data, as: UTF8.self), path: path)
    }

    /// Reads `source` as PNML and checks the net it holds: what `verify`,
    /// `check` and `simulate` do with a `.pnml` file.
    public static func load(_ source: SourceFile) -> LoadResult {
        switch convert(text: source.text, path: source.path) {
        case .failure(let d): return .failure(path: source.path, source: source, diagnostics: [d])
        case .success(let converted): return converted.load(original: source)
        }
    }

    static func convert(text: String, path: String) -> Swift.Result<Result, Diagnostic> {
        let scan = XMLMarkupScan(text: text, path: path)
        if let doctype = scan.doctype {
            return .failure(Diagnostic(.invalidPNML, "the file has a document type declaration (<!DOCTYPE>); PNML files have none",
                                       at: doctype,
                                       help: "remove the <!DOCTYPE ...> declaration: its entities would change the text the net is read from"))
        }
        let reader = PNMLReader(path: path, startTags: scan.startTags)
        let parser = XMLParser(data: Data(text.utf8))
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
            return .failure(Diagnostic(.invalidPNML, "the document ends inside <\(open.name)>", at: reader.here(parser),
                                       help: "close every element; the file may be truncated"))
        }
        return reader.finish()
    }
}

/// SAX-style reader: checks every element against `PNMLGrammar` and collects
/// places, transitions and arcs with the span of their start tag.
private final class PNMLReader: NSObject, XMLParserDelegate {
    struct Node { var id: String; var name: String?; var marking: Int = 0; var reference: String?; var span: SourceSpan }
    struct Arc {
        var id: String; var source: String; var target: String; var weight: Int = 1
        /// An inhibitor arc (`unless:`) or a read/test arc (`read:`), not an ordinary one.
        var kind: PNMLGrammar.ArcKind = .normal
        /// Where the weight came from, to refuse two that disagree.
        var weightAttribute: Int?
        var span: SourceSpan
    }
    struct Frame {
        var name: String
        var kind: PNMLGrammar.Kind
        var span: SourceSpan
        var text = ""
        /// Labels: how many <text> children they had.
        var texts = 0
    }

    let path: String
    let startTags: [SourceSpan]
    var startCount = 0
    var failure: Diagnostic?
    var xmlError: (Int, SourceSpan)?
    var sawRoot = false
    var netSpan: SourceSpan?
    var places: [Node] = []
    var transitions: [Node] = []
    var arcs: [Arc] = []
    var netName: String?
    /// Every `id` in the document (PNML ids are global) and where it is defined.
    var ids: [String: SourceSpan] = [:]
    /// Labels already given to the current node, to refuse a second one.
    var labelsSeen: Set<String> = []
    var stack: [Frame] = []
    /// The `tool` of the <toolspecific> block being read, for messages.
    var currentTool: String?

    init(path: String, startTags: [SourceSpan]) {
        self.path = path
        self.startTags = startTags
    }

    func fail(_ parser: XMLParser, _ message: String, help: String? = nil, at span: SourceSpan? = nil,
              notes: [Diagnostic.Note] = []) {
        guard failure == nil else { return }
        failure = Diagnostic(.invalidPNML, message, at: span ?? here(parser), help: help, notes: notes)
        parser.abortParsing()
    }

    func here(_ parser: XMLParser) -> SourceSpan {
        SourceSpan(file: path, line: max(1, parser.lineNumber), column: max(1, parser.columnNumber))
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        guard failure == nil else { return }
        let local = name.split(separator: ":").last.map(String.init) ?? name
        let span = startCount < startTags.count ? startTags[startCount] : here(parser)
        startCount += 1
        sawRoot = true
        let kind: PNMLGrammar.Kind
        if let parent = stack.last {
            if case .label = parent.kind, parent.name != "name", local == "text" {
                stack[stack.count - 1].texts += 1
                if stack[stack.count - 1].texts > 1 {
                    fail(parser, "<\(parent.name)> has more than one <text>", help: "give the label one value", at: span); return
                }
            }
            guard let k = PNMLGrammar.child(local, of: parent.kind) else {
                let (message, help) = PNMLGrammar.refusal(element: local, in: parent.name)
                fail(parser, message, help: help, at: span); return
            }
            kind = k
        } else {
            guard local == "pnml" else {
                fail(parser, "the root element is <\(local)>, not <pnml>",
                     help: "a PNML file starts with <pnml xmlns=\"http://www.pnml.org/version-2009/grammar/pnml\">", at: span)
                return
            }
            kind = .pnml
        }
        // The net's type first: a net of another type has other attributes, and the type says why.
        if kind == .net {
            guard let type = attributes["type"] else {
                fail(parser, "<net> has no `type` attribute",
                     help: "a P/T net is `<net id=\"n\" type=\"\(PNMLGrammar.ptNetType)\">`", at: span)
                return
            }
            guard type == PNMLGrammar.ptNetType else {
                let (message, help) = PNMLGrammar.refusal(netType: type)
                fail(parser, message, help: help, at: span); return
            }
        }
        for key in attributes.keys.sorted() where !PNMLGrammar.allows(attribute: key, on: kind) {
            fail(parser, "attribute `\(key)` on <\(local)> is not part of a PNML place/transition net",
                 help: "cpn-author refuses what it does not implement rather than ignore it: remove the attribute if it means nothing to the net",
                 at: span)
            return
        }
        if kind == .toolData, local == "toolspecific", stack.last?.kind != .toolData { currentTool = attributes["tool"] }
        if kind == .toolData, let found = PNMLGrammar.semanticToolData(element: local, attributes: attributes) {
            refuseToolData(parser, found, at: span); return
        }
        if let id = attributes["id"], [.net, .page, .place, .transition, .arc, .referencePlace, .referenceTransition].contains(kind) {
            if let first = ids[id] {
                fail(parser, "id `\(id)` is used twice", help: "PNML ids are unique in the whole file: rename one of them",
                     at: span, notes: [.init("first used here", at: first)])
                return
            }
            ids[id] = span
        }
        stack.append(Frame(name: local, kind: kind, span: span))
        switch kind {
        case .net:
            if netSpan != nil { fail(parser, "the file holds more than one <net>", help: "convert one net per file", at: span); return }
            netSpan = span
        case .place, .referencePlace, .transition, .referenceTransition:
            labelsSeen = []
            guard let id = attributes["id"] else { fail(parser, "<\(local)> without an `id`", at: span); return }
            let isReference = kind == .referencePlace || kind == .referenceTransition
            if isReference && attributes["ref"] == nil {
                fail(parser, "<\(local)> `\(id)` has no `ref`", help: "a reference node names the node it stands for: ref=\"ID\"", at: span)
                return
            }
            let node = Node(id: id, reference: isReference ? attributes["ref"] : nil, span: span)
            if kind == .place || kind == .referencePlace { places.append(node) } else { transitions.append(node) }
        case .arc:
            labelsSeen = []
            guard let id = attributes["id"], let s = attributes["source"], let t = attributes["target"] else {
                fail(parser, "<arc> needs `id`, `source` and `target` attributes", at: span); return
            }
            var arc = Arc(id: id, source: s, target: t, span: span)
            if let type = attributes["type"] {
                guard let kind = PNMLGrammar.ArcKind(type) else {
                    let (message, help) = PNMLGrammar.refusal(arcType: type, arc: id)
                    fail(parser, message, help: help, at: span); return
                }
                arc.kind = kind
            }
            if let w = attributes["weight"] {
                guard let n = Int(w), n >= 1 else {
                    fail(parser, "arc weight `\(w)` is not a positive integer", at: span); return
                }
                arc.weight = n
                arc.weightAttribute = n
            }
            arcs.append(arc)
        case .arcType:
            let value = attributes["value"] ?? ""
            guard let kind = PNMLGrammar.ArcKind(value) else {
                let (message, help) = PNMLGrammar.refusal(arcType: value, arc: arcs.last?.id ?? "?")
                fail(parser, message, help: help, at: span); return
            }
            if !arcs.isEmpty { arcs[arcs.count - 1].kind = kind }
        case .label(let label) where label != "name":
            guard !labelsSeen.contains(label) else {
                fail(parser, "a second <\(label)> on one node", help: "give the node one \(label)", at: span); return
            }
            labelsSeen.insert(label)
        default:
            break
        }
    }

    func refuseToolData(_ parser: XMLParser, _ found: String, at span: SourceSpan) {
        let tool = currentTool.map { " tool=\"\($0)\"" } ?? ""
        fail(parser, "tool data (<toolspecific\(tool)>) holds \(found), which changes which transitions may fire",
             help: "cpn-author skips tool data that only draws or annotates the net, but not data that changes the firing rule: remove it if the net does not depend on it",
             at: span)
    }

    func parser(_ parser: XMLParser, parseErrorOccurred error: any Error) {
        if xmlError == nil { xmlError = ((error as NSError).code, here(parser)) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        guard failure == nil, let frame = stack.popLast() else { return }
        let value = frame.text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch frame.kind {
        case .graphics:
            return
        case .toolData:
            if PNMLGrammar.semanticToolText(element: frame.name, text: value) {
                refuseToolData(parser, "<\(frame.name)>\(value)</\(frame.name)>", at: frame.span)
            }
            return
        case .text:
            break
        case .label(let label):
            if !value.isEmpty {
                fail(parser, "text `\(abbreviated(value))` directly inside <\(label)>",
                     help: "PNML puts a label's value inside <text>: <\(label)><text>\(abbreviated(value))</text></\(label)>", at: frame.span)
                return
            }
            if label != "name" && frame.texts == 0 {
                fail(parser, "<\(label)> has no <text>", help: "write the value as <\(label)><text>1</text></\(label)>", at: frame.span)
            }
            return
        default:
            if !value.isEmpty {
                fail(parser, "text `\(abbreviated(value))` directly inside <\(frame.name)>",
                     help: "text belongs in a label's <text>; PNML elements hold only other elements", at: frame.span)
            }
            return
        }
        // A <text>: its label and the label's owner.
        guard stack.count >= 2, case .label(let label) = stack[stack.count - 1].kind else { return }
        let owner = stack[stack.count - 2].kind
        switch (owner, label) {
        case (.net, "name"): netName = value
        case (.place, "name"), (.referencePlace, "name"): places[places.count - 1].name = value
        case (.transition, "name"), (.referenceTransition, "name"): transitions[transitions.count - 1].name = value
        case (.place, "initialMarking"):
            guard let n = Int(value), n >= 0 else {
                fail(parser, "initial marking `\(abbreviated(value))` is not a non-negative integer", at: frame.span); return
            }
            places[places.count - 1].marking = n
        case (.arc, "inscription"):
            guard let n = Int(value), n >= 1 else {
                fail(parser, "arc weight `\(abbreviated(value))` is not a positive integer", at: frame.span); return
            }
            if let w = arcs[arcs.count - 1].weightAttribute, w != n {
                fail(parser, "arc `\(arcs[arcs.count - 1].id)` has weight \(w) as an attribute and \(n) as its inscription",
                     help: "give the arc one weight", at: frame.span)
                return
            }
            arcs[arcs.count - 1].weight = n
        default: break
        }
    }

    func abbreviated(_ s: String) -> String {
        let flat = s.replacingOccurrences(of: "\n", with: " ")
        return flat.count <= 40 ? flat : String(flat.prefix(40)) + "…"
    }

    func finish() -> Swift.Result<PNMLImport.Result, Diagnostic> {
        guard let netSpan else {
            return .failure(Diagnostic(.invalidPNML, "the file holds no <net>", at: SourceSpan(file: path, line: 1, column: 1)))
        }
        // Resolve references (possibly chained) to the real node ids.
        func resolve(_ nodes: [Node], what: String) -> Swift.Result<[String: String], Diagnostic> {
            var target: [String: String] = [:]
            for n in nodes { target[n.id] = n.reference ?? n.id }
            var resolved: [String: String] = [:]
            for n in nodes {
                var seen: Set<String> = [n.id], id = n.id
                while let next = target[id], next != id {
                    guard !seen.contains(next) else {
                        return .failure(Diagnostic(.invalidPNML, "reference \(what) `\(n.id)` is part of a cycle of references", at: n.span,
                                                   help: "a reference must lead to a real \(what)"))
                    }
                    seen.insert(next)
                    id = next
                }
                guard target[id] != nil else {
                    let kind = ids[id] == nil ? "which is not defined" : "which is not a \(what)"
                    return .failure(Diagnostic(.invalidPNML, "reference \(what) `\(n.id)` refers to `\(id)`, \(kind)", at: n.span,
                                               notes: ids[id].map { [.init("`\(id)` is defined here", at: $0)] } ?? []))
                }
                resolved[n.id] = id
            }
            return .success(resolved)
        }
        let placeOf: [String: String], transitionOf: [String: String]
        switch resolve(places, what: "place") { case .failure(let d): return .failure(d); case .success(let r): placeOf = r }
        switch resolve(transitions, what: "transition") { case .failure(let d): return .failure(d); case .success(let r): transitionOf = r }
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
        var reads: [String: [(String, Int)]] = [:], inhibitors: [String: [(String, Int)]] = [:]
        for arc in arcs {
            let sp = placeOf[arc.source].flatMap { placeName[$0] }, st = transitionOf[arc.source].flatMap { transitionName[$0] }
            let tp = placeOf[arc.target].flatMap { placeName[$0] }, tt = transitionOf[arc.target].flatMap { transitionName[$0] }
            if arc.kind != .normal, !(sp != nil && tt != nil) {
                return .failure(Diagnostic(.invalidPNML, "arc `\(arc.id)` is \(arc.kind == .inhibitor ? "an inhibitor" : "a read") arc but does not go from a place to a transition",
                                           at: arc.span, help: "inhibitor and read arcs test a place for a transition: source a place, target a transition"))
            }
            if let p = sp, let t = tt {
                switch arc.kind {
                case .normal: inputs[t, default: []].append((p, arc.weight))
                case .read: reads[t, default: []].append((p, arc.weight))
                // Two inhibitor arcs between the same pair: the smaller weight decides.
                case .inhibitor:
                    if let i = inhibitors[t]?.firstIndex(where: { $0.0 == p }) { inhibitors[t]![i].1 = min(inhibitors[t]![i].1, arc.weight) }
                    else { inhibitors[t, default: []].append((p, arc.weight)) }
                }
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
        // One line per place and per transition, each remembering its element.
        var lines: [String] = [], origins: [SourceSpan] = []
        func emit(_ line: String, _ origin: SourceSpan) { lines.append(line); origins.append(origin) }
        emit("# Converted from \(path) by cpn-author convert (PNML P/T net).", netSpan)
        emit("cpn: 1", netSpan)
        emit("name: \(YAMLQuoting.doubleQuoted(netName.flatMap { $0.isEmpty ? nil : $0 } ?? (path as NSString).lastPathComponent))", netSpan)
        emit("places:", netSpan)
        if realPlaces.isEmpty { emit("  {}", netSpan) }
        for p in realPlaces {
            let name = placeName[p.id]!
            emit(p.marking > 0 ? "  \(name): { color: Unit, initial: \(p.marking) }" : "  \(name): Unit", p.span)
        }
        if !realTransitions.isEmpty { emit("transitions:", netSpan) }
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
            if reads[name] != nil { parts.append("read: \(inscriptions(reads[name]))") }
            if inhibitors[name] != nil { parts.append("unless: \(inscriptions(inhibitors[name]))") }
            if outputs[name] != nil { parts.append("out: \(inscriptions(outputs[name]))") }
            emit("  \(name): { \(parts.joined(separator: ", ")) }", t.span)
        }
        let yaml = lines.map { $0 + "\n" }.joined()
        return .success(PNMLImport.Result(yaml: yaml, places: realPlaces.count, transitions: realTransitions.count, arcs: arcs.count,
                                          origins: origins, netSpan: netSpan))
    }
}

/// Foundation's XMLParser reports libxml2's error numbers with no text on Linux.
func xmlErrorText(_ code: Int) -> String {
    switch code {
    case 4: "the document is empty"
    case 5: "the document ends too early, or has content after its end"
    case 9: "an invalid character"
    case 23: "`;` missing after an entity reference"
    case 26, 27: "a reference to an entity that is not declared (`&name;`; only &lt; &gt; &amp; &apos; &quot; exist without a DTD)"
    case 41: "an attribute without a value"
    case 42: "an attribute given twice"
    case 73: "`>` expected"
    case 76: "a closing tag does not match its opening tag"
    case 77: "a tag is not finished"
    case 80: "`--` inside a comment"
    default: "XML parser error \(code)"
    }
}

/// A PNML id usable as a name as it is: the expression language's identifier
/// rule (keywords excluded), and not one of the built-in color names.
func isIdentifier(_ s: String) -> Bool {
    isValidIdentifier(s) && !["Unit", "Bool", "Int"].contains(s)
}

func makeIdentifier(_ s: String, prefix: String) -> String {
    var out = String(s.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) ? Character($0) : "_" })
    if out.isEmpty || !(out.first!.isLetter || out.first == "_") { out = prefix + "_" + out }
    return isIdentifier(out) ? out : prefix + "_" + out
}

