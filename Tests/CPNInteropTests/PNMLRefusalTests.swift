import CPNDiagnostics
import CPNExplore
import CPNInterop
import CPNLoad
import Foundation
import Testing

/// The importer reads what it implements and refuses the rest, at the element's line and column.
@Suite struct PNMLRefusalTests {
    static let header = "<?xml version=\"1.0\"?>\n<pnml xmlns=\"http://www.pnml.org/version-2009/grammar/pnml\">\n"
        + "<net id=\"n\" type=\"http://www.pnml.org/version-2009/grammar/ptnet\"><page id=\"pg\">\n"
    static let footer = "</page></net>\n</pnml>\n"

    /// A net whose 4th line is `body`; the refusal must point at `column` of line 4 and say `expected`.
    static func refused(_ body: String, column: Int, _ expected: String,
                        sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let text = header + body + "\n" + footer
        switch PNMLImport.convert(data: Data(text.utf8), path: "net.pnml") {
        case .success: Issue.record("accepted:\n\(text)", sourceLocation: sourceLocation)
        case .failure(let d):
            #expect(d.code.rawValue == "E0501", sourceLocation: sourceLocation)
            #expect(d.message.contains(expected), "\(d.message)", sourceLocation: sourceLocation)
            #expect(d.span?.file == "net.pnml", sourceLocation: sourceLocation)
            #expect(d.span?.start == CPNDiagnostics.SourceLocation(line: 4, column: column), "\(d.span?.description ?? "nil")",
                    sourceLocation: sourceLocation)
        }
    }

    static let nodes = "<place id=\"p\"><initialMarking><text>1</text></initialMarking></place><transition id=\"t\"/>"

    @Test(arguments: ["reset", "transport", "timed", "weird"])
    func everyArcTypeButNormalIsRefusedInBothForms(type: String) {
        let expected = type == "weird" ? "has type `weird`" : "arc `a`"
        Self.refused(Self.nodes + "<arc id=\"a\" source=\"p\" target=\"t\" type=\"\(type)\"/>", column: 90, expected)
        Self.refused(Self.nodes + "<arc id=\"a\" source=\"p\" target=\"t\"><type value=\"\(type)\"/></arc>", column: 124, expected)
    }

    /// TAPAAL's inhibitor arcs (both spellings, both forms) become `unless:`
    /// arcs, read/test arcs `read:` arcs, with their weights.
    @Test(arguments: [("inhibitor", "unless"), ("tapnInhibitor", "unless"), ("read", "read"), ("test", "read")])
    func inhibitorAndReadArcsAreReadInBothForms(type: String, key: String) throws {
        for arc in ["<arc id=\"a\" source=\"p\" target=\"t\" type=\"\(type)\"><inscription><text>2</text></inscription></arc>",
                    "<arc id=\"a\" source=\"p\" target=\"t\"><inscription><text>2</text></inscription><type value=\"\(type)\"/></arc>"] {
            let text = Self.header + Self.nodes + arc + "<arc id=\"b\" source=\"t\" target=\"p\"/>\n" + Self.footer
            let r = try PNMLImport.convert(data: Data(text.utf8), path: "net.pnml").get()
            #expect(r.yaml.contains("t: { \(key): { p: 2 }, out: { p: 1 } }"), "\(r.yaml)")
        }
    }

    @Test func anInhibitorArcFromATransitionIsRefused() {
        Self.refused(Self.nodes + "<arc id=\"a\" source=\"t\" target=\"p\" type=\"inhibitor\"/>", column: 90,
                     "arc `a` is an inhibitor arc but does not go from a place to a transition")
    }

    @Test func normalArcsInEitherFormAreRead() throws {
        let text = Self.header + Self.nodes
            + "<arc id=\"a\" source=\"p\" target=\"t\" type=\"normal\"/><arc id=\"b\" source=\"t\" target=\"p\"><type value=\"normal\"/></arc>\n"
            + Self.footer
        let r = try PNMLImport.convert(data: Data(text.utf8), path: "net.pnml").get()
        #expect(r.yaml.contains("t: { in: { p: 1 }, out: { p: 1 } }"), "\(r.yaml)")
    }

    @Test(arguments: [
        ("<place id=\"p\"><type><text>S</text></type></place>", 15, "<type> in <place> is a label of high-level (colored) PNML"),
        ("<place id=\"p\"><hlinitialMarking><text>1'a</text></hlinitialMarking></place>", 15, "<hlinitialMarking>"),
        ("<transition id=\"t\"><condition><text>x</text></condition></transition>", 20, "<condition>"),
        ("<arc id=\"a\" source=\"p\" target=\"t\"><hlinscription><text>x</text></hlinscription></arc>", 35, "<hlinscription>"),
        ("<transition id=\"t\"><player><value>1</value></player></transition>", 20, "two-player game"),
        ("<place id=\"p\"><capacity><text>1</text></capacity></place>", 15, "changes which transitions may fire"),
        ("<inhibitorArc id=\"a\" source=\"p\" target=\"t\"/>", 1, "TAPAAL's timed-arc format"),
        ("<place id=\"p\" initialMarking=\"3\"/>", 1, "attribute `initialMarking` on <place>"),
        ("<place id=\"p\"><initialMarking>3</initialMarking></place>", 15, "directly inside <initialMarking>"),
        ("<place id=\"p\"><initialMarking><text>1</text></initialMarking><initialMarking><text>2</text></initialMarking></place>",
         62, "a second <initialMarking>"),
        ("<place id=\"p\"><initialMarking><text>1</text><text>2</text></initialMarking></place>", 45, "more than one <text>"),
        ("<place id=\"p\"><initialMarking><text>99999999999999999999</text></initialMarking></place>", 31, "not a non-negative integer"),
        ("<place id=\"p\"><toolspecific tool=\"X\" version=\"1\"><arc kind=\"inhibitor\"/></toolspecific></place>", 50, "kind=\"inhibitor\""),
        ("<transition id=\"t\"><toolspecific tool=\"X\" version=\"1\"><arcType>reset</arcType></toolspecific></transition>", 55, "<arcType>reset</arcType>"),
        ("<transition id=\"t\"><toolspecific tool=\"GreatSPN\" version=\"3\"><priority>2</priority></toolspecific></transition>", 62,
         "tool data (<toolspecific tool=\"GreatSPN\">) holds <priority>"),
        ("<place id=\"p\"/><place id=\"p\"/>", 16, "id `p` is used twice"),
        ("<place id=\"pg\"/>", 1, "id `pg` is used twice"),
        ("<referencePlace id=\"r\"/>", 1, "has no `ref`"),
        ("<referencePlace id=\"r\" ref=\"nowhere\"/>", 1, "refers to `nowhere`, which is not defined"),
        ("<transition id=\"t\"/><referencePlace id=\"r\" ref=\"t\"/>", 21, "refers to `t`, which is not a place"),
        ("<referencePlace id=\"r\" ref=\"s\"/><referencePlace id=\"s\" ref=\"r\"/>", 1, "cycle of references"),
        ("<place id=\"p\"/>stray", 1, "directly inside <page>"),
    ])
    func constructsOutsideTheGrammarAreRefusedWhereTheyStand(body: String, column: Int, expected: String) {
        // Stray text is reported at its element (<page> on line 3), the rest on line 4.
        if expected.contains("directly inside <page>") {
            let text = Self.header + body + "\n" + Self.footer
            guard case .failure(let d) = PNMLImport.convert(data: Data(text.utf8), path: "net.pnml") else {
                Issue.record("accepted"); return
            }
            #expect(d.message.contains(expected), "\(d.message)")
            #expect(d.span?.start.line == 3)
            return
        }
        Self.refused(body, column: column, expected)
    }

    @Test func netTypesOtherThanPTAreRefusedWithTheirReason() {
        for (type, expected) in [("http://www.pnml.org/version-2009/grammar/symmetricnet", "high-level (colored)"),
                                 ("http://www.pnml.org/version-2009/grammar/pt-hlpng", "high-level (colored)"),
                                 ("P/T net", "TAPAAL's own format"),
                                 ("ptnet", "is not one cpn-author reads"),
                                 ("http://example.org/ptnet", "is not one cpn-author reads")] {
            let text = "<pnml>\n  <net id=\"n\" type=\"\(type)\" active=\"true\"/>\n</pnml>"
            guard case .failure(let d) = PNMLImport.convert(data: Data(text.utf8), path: "x.pnml") else {
                Issue.record("accepted \(type)"); continue
            }
            #expect(d.message.contains(expected), "\(type): \(d.message)")
            #expect(d.span?.start == CPNDiagnostics.SourceLocation(line: 2, column: 3), "\(type): \(d.span?.description ?? "")")
        }
    }

    @Test func aDTDIsRefusedAtItsLineAndTextAfterAnEntityIsNeverDropped() {
        let text = "<?xml version=\"1.0\"?>\n<!-- a comment -->\n<!DOCTYPE pnml [ <!ENTITY w \"2\"> ]>\n<pnml/>"
        guard case .failure(let d) = PNMLImport.convert(data: Data(text.utf8), path: "x.pnml") else { Issue.record("accepted"); return }
        #expect(d.message.contains("document type declaration"))
        #expect(d.span?.start == CPNDiagnostics.SourceLocation(line: 3, column: 1))
        // Without a DTD, an entity reference is an XML error, not silently empty text.
        let undeclared = Self.header + "<place id=\"p\"><initialMarking><text>&w;0</text></initialMarking></place>\n" + Self.footer
        guard case .failure(let e) = PNMLImport.convert(data: Data(undeclared.utf8), path: "x.pnml") else { Issue.record("accepted"); return }
        #expect(e.message.contains("not well-formed XML"), "\(e.message)")
    }

    @Test func graphicsAndDrawingToolDataAreSkipped() throws {
        let body = """
        <place id="p"><graphics><position x="1" y="2"/></graphics><name><text>ready</text><graphics><offset x="0" y="0"/></graphics></name>\
        <initialMarking><text>2</text><toolspecific tool="X" version="1"><shown/></toolspecific></initialMarking>\
        <toolspecific tool="JARP" version="1.2"><FillColor><value>java.awt.Color[r=0,g=0,b=0]</value></FillColor></toolspecific></place>\
        <transition id="t"><graphics><position x="3" y="4"/></graphics></transition>\
        <arc id="a" source="p" target="t"><inscription><text>2</text></inscription><graphics><position x="5" y="6"/></graphics></arc>
        """
        let text = Self.header + body + "\n</page><toolspecific tool=\"nupn\" version=\"1.1\"><size places=\"1\" transitions=\"1\" arcs=\"1\"/>"
            + "<structure units=\"1\" root=\"u0\" safe=\"false\"><unit id=\"u0\"><places>p</places><subunits/></unit></structure>"
            + "</toolspecific></net>\n</pnml>\n"
        let r = try PNMLImport.convert(data: Data(text.utf8), path: "net.pnml").get()
        #expect(r.yaml.contains("ready: { color: Unit, initial: 2 }"), "\(r.yaml)")
        #expect(r.yaml.contains("t: { in: { ready: 2 } }"), "\(r.yaml)")
    }

    @Test func aWeightAttributeIsReadAndMustAgreeWithTheInscription() throws {
        let ok = Self.header + Self.nodes + "<arc id=\"a\" source=\"p\" target=\"t\" weight=\"3\"/>\n" + Self.footer
        #expect(try PNMLImport.convert(data: Data(ok.utf8), path: "n.pnml").get().yaml.contains("t: { in: { p: 3 } }"))
        Self.refused(Self.nodes + "<arc id=\"a\" source=\"p\" target=\"t\" weight=\"3\"><inscription><text>2</text></inscription></arc>",
                     column: 148, "weight 3 as an attribute and 2 as its inscription")
    }

    @Test func checkerErrorsOnTheConvertedNetPointAtThePNMLElement() throws {
        let text = Self.header + "<place id=\"p\"/>\n<transition id=\"lonely\"/>\n" + Self.footer
        let loaded = PNMLImport.load(SourceFile(path: "net.pnml", text: text))
        let error = try #require(loaded.diagnostics.first { $0.isError })
        #expect(error.message.contains("lonely"))
        #expect(error.span?.file == "net.pnml")
        #expect(error.span?.start == CPNDiagnostics.SourceLocation(line: 5, column: 1))
        #expect(loaded.source?.path == "net.pnml")
        // Warnings too (reported when there is no error): the unused place is the <place> on line 5.
        let warned = Self.header + "<place id=\"p\"><initialMarking><text>1</text></initialMarking></place><transition id=\"t\"/>\n"
            + "<place id=\"unused\"/>\n<arc id=\"a\" source=\"p\" target=\"t\"/>\n" + Self.footer
        let warnings = PNMLImport.load(SourceFile(path: "net.pnml", text: warned)).diagnostics
        let unused = try #require(warnings.first { $0.message.contains("`unused`") }, "\(warnings.map(\.message))")
        #expect(unused.span?.start == CPNDiagnostics.SourceLocation(line: 5, column: 1))
    }

    @Test func aValidNetLoadsWithItsSpansInThePNMLFile() throws {
        let text = Self.header + "<place id=\"p\"><initialMarking><text>1</text></initialMarking></place>\n<place id=\"q\"/>\n"
            + "<transition id=\"t\"/>\n<arc id=\"a\" source=\"p\" target=\"t\"/><arc id=\"b\" source=\"t\" target=\"q\"/>\n" + Self.footer
        let loaded = PNMLImport.load(SourceFile(path: "net.pnml", text: text))
        let net = try #require(loaded.checked, "\(loaded.diagnostics.map(\.message))")
        #expect(net.transitions[0].span.file == "net.pnml")
        #expect(net.transitions[0].span.start.line == 6)
        #expect(net.places.map(\.span.start.line) == [4, 5])
        #expect(Explorer(net: net, options: ExplorationOptions()).run(file: "net.pnml").states == 2)
    }

    @Test func controlCharactersInNamesCannotBreakTheConvertedYAML() throws {
        let text = "<pnml><net id=\"n\" type=\"http://www.pnml.org/version-2009/grammar/ptnet\"><name><text>a&#x9;b&#xD;c\u{2028}\u{85}d\"e</text></name>"
            + "<page id=\"pg\"><place id=\"p\"/></page></net></pnml>"
        let r = try PNMLImport.convert(data: Data(text.utf8), path: "n.pnml").get()
        let loaded = NetLoader.load(text: r.yaml, path: "n.yaml")
        #expect(loaded.net?.name == "a\tb\rc\u{2028}\u{85}d\"e", "\(r.yaml)\n\(loaded.diagnostics.map(\.message))")
    }
}

/// A seeded mutation loop over the PNML fixtures: whatever the bytes, the
/// importer answers (a net or a located error) and never traps.
@Suite struct PNMLMutationTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func mutatedFilesGetANetOrALocatedError() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/pnml")
        let seeds = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".pnml") }.sorted()
            .map { try [UInt8](Data(contentsOf: root.appendingPathComponent($0))) }
        try #require(seeds.count >= 10)
        let alphabet = Array("<>/=\"'&;![]?- \n\tabcdeinptxyz0123456789#".utf8)
        var rng = Generator(state: 20_261_201)
        var accepted = 0, refused = 0
        for round in 0..<3_000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<(1 + Int(rng.next() % 4)) where !bytes.isEmpty {
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                default: bytes[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            switch PNMLImport.convert(data: Data(text.utf8), path: "m.pnml") {
            case .success: accepted += 1
            case .failure(let d):
                refused += 1
                let line = d.span?.start.line ?? 0, lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
                #expect(d.span?.file == "m.pnml" && line >= 1 && line <= max(lines, 1), "round \(round): \(d.message) at \(d.span?.description ?? "nil")")
            }
        }
        // Most mutants of refusals stay refused; some mutations repair them (a renamed attribute).
        #expect(refused > accepted, "accepted \(accepted), refused \(refused)")
    }
}
