import CPNInterop
import CPNLoad
import Foundation
import Testing

/// Mutates PNML documents (seeded, so reproducible) and imports each mutant:
/// the importer must never crash or hang, must refuse with a diagnostic that
/// names the file, or produce YAML that the loader then reads without a crash.
/// The budget is `CPN_FUZZ_MUTANTS` (per seed document): small in `make test`,
/// large in `make fuzz`.
@Suite struct PNMLFuzzTests {
    static let seed: UInt64 = ProcessInfo.processInfo.environment["CPN_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x9A3E_17D0_5EED
    static let mutantsPerDocument = ProcessInfo.processInfo.environment["CPN_FUZZ_MUTANTS"].flatMap { Int($0) } ?? 400

    /// Seed documents: exported nets and a hand-written one with pages and references.
    static func documents() throws -> [(String, String)] {
        var out: [(String, String)] = []
        for (name, text) in [("philosophers-3", philosophers(3)), ("philosophers-2", philosophers(2))] {
            guard let net = NetLoader.load(text: text).checked else { continue }
            out.append((name, try PNMLExport.pnml(net)))
        }
        out.append(("pages", """
            <?xml version="1.0"?>
            <pnml xmlns="http://www.pnml.org/version-2009/grammar/pnml">
              <net id="n" type="http://www.pnml.org/version-2009/grammar/ptnet">
                <name><text>pages &amp; refs</text></name>
                <page id="pg1">
                  <place id="p-1"><name><text>ready</text></name><initialMarking><text>3</text></initialMarking></place>
                  <transition id="t1"><name><text>not an identifier</text></name></transition>
                  <page id="pg2"><place id="p2"/><referencePlace id="r1" ref="p-1"/></page>
                </page>
                <arc id="a1" source="r1" target="t1"><inscription><text>2</text></inscription></arc>
                <arc id="a2" source="t1" target="p2"/>
              </net>
            </pnml>
            """))
        return out
    }

    /// XML and PNML pieces worth inserting: markup, entities, DTDs, ids, numbers.
    static let dictionary = [
        "<", ">", "&", "&amp;", "&lt;", "&#0;", "&#xFFFF;", "&undefined;", "\"", "'", "/>", "</place>", "</net>", "<place id=\"p0\"/>",
        "<transition id=\"t0\"/>", "<arc id=\"a0\" source=\"p0\" target=\"t0\"/>", "<page id=\"pg1\">", "</page>",
        "<referencePlace id=\"r\" ref=\"r\"/>", "<referenceTransition id=\"q\" ref=\"t0\"/>", "<initialMarking><text>", "</text></initialMarking>",
        "<inscription><text>", "99999999999999999999", "-1", "0", "1e9", "<!DOCTYPE pnml [<!ENTITY a \"aaaaaaaaaa\">]>", "&a;",
        "<!-- c -->", "<![CDATA[x]]>", "<?pi x?>", "id=\"p0\"", "\u{0}", "\u{1B}", "é", "\u{202E}", "\n", " ", "<name><text>x</text></name>",
        "type=\"http://www.pnml.org/version-2009/grammar/ptnet\"", "<net id=\"n2\" type=\"ptnet\">",
    ]

    static func mutate(_ text: String, using g: inout SeededGenerator) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var scalars = Array(text.unicodeScalars)
        func rebuild(_ s: [Unicode.Scalar]) -> String { String(String.UnicodeScalarView(s)) }
        guard !scalars.isEmpty, !lines.isEmpty else { return dictionary.randomElement(using: &g)! }
        switch Int.random(in: 0..<7, using: &g) {
        case 0:
            lines.remove(at: Int.random(in: 0..<lines.count, using: &g))
            return lines.joined(separator: "\n")
        case 1:
            let i = Int.random(in: 0..<lines.count, using: &g)
            lines.insert(lines[i], at: Int.random(in: 0...lines.count, using: &g))
            return lines.joined(separator: "\n")
        case 2:
            let i = Int.random(in: 0..<scalars.count, using: &g)
            scalars[i] = Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &g))
            return rebuild(scalars)
        case 3:
            let i = Int.random(in: 0..<scalars.count, using: &g)
            scalars.removeSubrange(i..<min(scalars.count, i + Int.random(in: 1...8, using: &g)))
            return rebuild(scalars)
        case 4:
            return rebuild(Array(scalars.prefix(Int.random(in: 0..<scalars.count, using: &g))))
        default:
            let i = Int.random(in: 0...scalars.count, using: &g)
            scalars.insert(contentsOf: dictionary.randomElement(using: &g)!.unicodeScalars, at: i)
            return rebuild(scalars)
        }
    }

    @Test func mutantsNeverCrashTheImporter() throws {
        var generator = SeededGenerator(seed: Self.seed)
        var imported = 0, refused = 0, loaded = 0
        let documents = try Self.documents()
        #expect(documents.count == 3)
        for (name, document) in documents {
            for index in 0..<Self.mutantsPerDocument {
                var mutant = document
                for _ in 0..<Int.random(in: 1...3, using: &generator) { mutant = Self.mutate(mutant, using: &generator) }
                let what = "mutant \(index) of \(name) (seed \(Self.seed))"
                switch PNMLImport.convert(data: Data(mutant.utf8), path: "m.pnml") {
                case .failure(let d):
                    refused += 1
                    #expect(d.span.map { $0.file == "m.pnml" && $0.start.line >= 1 && $0.start.column >= 1 } ?? true, "\(what): \(d)")
                    #expect(!d.message.isEmpty, "\(what): an empty message")
                case .success(let r):
                    imported += 1
                    let result = NetLoader.load(text: r.yaml, path: "m.pnml")
                    if result.checked != nil { loaded += 1 }
                    #expect(result.hasErrors == (result.checked == nil), "\(what)")
                }
            }
        }
        print("PNMLFuzzTests: \(documents.count * Self.mutantsPerDocument) mutants (seed \(Self.seed)): \(refused) refused, \(imported) imported, \(loaded) of those loaded")
        #expect(refused > 0 && imported > 0, "the mutations reach neither the refusals nor the imports")
    }
}

/// SplitMix64, seeded: every run mutates the same way.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
