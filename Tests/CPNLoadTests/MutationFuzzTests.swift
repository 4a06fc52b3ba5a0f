import CPNDiagnostics
import CPNLoad
import Foundation
import Testing

/// Mutates valid nets thousands of times (seeded, so reproducible) and loads
/// each mutant: the loader must never crash, must put every diagnostic on a
/// real line and column of the text, must return a checked net exactly when
/// it reports no error, and must say the same thing every time.
@Suite struct MutationFuzzTests {
    /// Fixed so runs are comparable; `CPN_FUZZ_SEED` and `CPN_FUZZ_MUTANTS`
    /// (per sample net) explore further by hand, e.g.
    /// `CPN_FUZZ_SEED=7 CPN_FUZZ_MUTANTS=50000 swift test --filter MutationFuzzTests`.
    static let seed: UInt64 = ProcessInfo.processInfo.environment["CPN_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0xC0FF_EE15_600D
    static let mutantsPerNet = ProcessInfo.processInfo.environment["CPN_FUZZ_MUTANTS"].flatMap { Int($0) } ?? 2_500

    /// Tokens worth inserting: YAML and expression syntax, huge numbers,
    /// tabs, anchors and aliases, and names that exist in the sample nets.
    static let dictionary = [
        ":", ": ", "-", "- ", "[", "]", "{", "}", "\"", "'", ",", "#", "@+", "@+ 2", "=>", "**", "&&", "||", "!",
        "9999999999999999999999", "-9223372036854775808", "0", "-1", "\t", "\n", "\n  ", "  ", "&a ", "*a", "&a [*a, *a]",
        "---", "...", "|", ">-", "?", "!!str ", "%", "`", "\\", "\\u00", "()", "(", ")", "_", "with", "if", "then", "else",
        "forall", "in", "true", "null", "~", "cpn", "places", "transitions", "color", "initial", "capacity", "guard",
        "in", "out", "token", "count", "order", "Unit", "Bool", "Int", "Proxy", "Target", "Domain", "Client", "Req",
        "proxies", "targets", "in_flight", "bucket", "waiting", "think0", "fork1", "t.prio", "t.domain", "(p, t)",
        "size(", "count(", "sum(", "min(", "\u{0}", "é", "✓", "\r\n",
    ]

    struct Mutant {
        let net: String
        let index: Int
        let text: String
    }

    /// The mutants of every sample net, from one seeded generator.
    static func mutants() -> [Mutant] {
        var generator = SeededGenerator(seed: seed)
        var result: [Mutant] = []
        for (name, text) in SampleNets.all {
            for index in 0..<mutantsPerNet {
                var mutant = text
                for _ in 0..<Int.random(in: 1...3, using: &generator) { mutant = mutate(mutant, using: &generator) }
                result.append(Mutant(net: name, index: index, text: mutant))
            }
        }
        return result
    }

    static func mutate(_ text: String, using generator: inout SeededGenerator) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var scalars = Array(text.unicodeScalars)
        func rebuild(_ s: [Unicode.Scalar]) -> String { String(String.UnicodeScalarView(s)) }
        guard !scalars.isEmpty, !lines.isEmpty else { return dictionary.randomElement(using: &generator)! }
        switch Int.random(in: 0..<8, using: &generator) {
        case 0:  // delete a line
            lines.remove(at: Int.random(in: 0..<lines.count, using: &generator))
            return lines.joined(separator: "\n")
        case 1:  // duplicate a line
            let i = Int.random(in: 0..<lines.count, using: &generator)
            lines.insert(lines[i], at: i)
            return lines.joined(separator: "\n")
        case 2:  // swap two lines
            lines.swapAt(Int.random(in: 0..<lines.count, using: &generator), Int.random(in: 0..<lines.count, using: &generator))
            return lines.joined(separator: "\n")
        case 3:  // flip a character
            let i = Int.random(in: 0..<scalars.count, using: &generator)
            scalars[i] = Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &generator))
            return rebuild(scalars)
        case 4:  // delete a few characters
            let i = Int.random(in: 0..<scalars.count, using: &generator)
            scalars.removeSubrange(i..<min(scalars.count, i + Int.random(in: 1...4, using: &generator)))
            return rebuild(scalars)
        case 5:  // truncate
            return rebuild(Array(scalars.prefix(Int.random(in: 0..<scalars.count, using: &generator))))
        default:  // insert a token from the dictionary
            let i = Int.random(in: 0...scalars.count, using: &generator)
            scalars.insert(contentsOf: dictionary.randomElement(using: &generator)!.unicodeScalars, at: i)
            return rebuild(scalars)
        }
    }

    @Test func sampleNetsAreValid() {
        for (name, text) in SampleNets.all {
            let result = NetLoader.load(text: text, path: name + ".yaml")
            #expect(result.checked != nil, "\(name): \(result.diagnostics.map { "\($0.span.map(\.description) ?? "-") \($0.message)" })")
            #expect(result.diagnostics.isEmpty, "\(name): \(result.diagnostics.map(\.message))")
        }
    }

    @Test func mutantsNeverCrashAndPointInsideTheText() {
        let started = Date()
        var valid = 0, withWarnings = 0
        var codes: [String: Int] = [:]
        let mutants = Self.mutants()
        for mutant in mutants {
            let path = "\(mutant.net)-\(mutant.index).yaml"
            let result = NetLoader.load(text: mutant.text, path: path)
            let what = "mutant \(mutant.index) of \(mutant.net) (seed \(Self.seed))"
            #expect(result.hasErrors == (result.checked == nil),
                    "\(what): errors \(result.errorCount) but checked net \(result.checked == nil ? "missing" : "present")")
            let source = SourceFile(path: path, text: mutant.text)
            for d in result.diagnostics {
                codes[d.code.rawValue, default: 0] += 1
                for span in [d.span] + d.notes.map(\.span) {
                    guard let span else {
                        Issue.record("\(what): \(d.code) \(d.message) has no location")
                        continue
                    }
                    let line = source.line(span.start.line)
                    #expect(span.file == path, "\(what): \(d.code) names \(span.file)")
                    #expect(line != nil && span.start.column >= 1 && span.start.column <= line!.unicodeScalars.count + 1,
                            "\(what): \(d.code) \(d.message) at \(span), outside the text\n\(mutant.text)")
                }
            }
            if result.checked != nil {
                valid += 1
                if result.warningCount > 0 { withWarnings += 1 }
            }
            // Deterministic: the same text gives the same diagnostics.
            let again = NetLoader.load(text: mutant.text, path: path)
            #expect(again.diagnostics == result.diagnostics, "\(what): a second load reports differently")
        }
        let elapsed = Date().timeIntervalSince(started)
        print("MutationFuzzTests: \(mutants.count) mutants in \(String(format: "%.1f", elapsed)) s, \(valid) still valid (\(withWarnings) with warnings); codes: "
              + codes.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " "))
        #expect(mutants.count >= 3 * Self.mutantsPerNet)
        // Most mutants break something; if none did, the mutations are not reaching the loader.
        #expect(valid < mutants.count / 2 && codes.count >= 15, "the mutations found too little: \(codes.count) codes")
    }
}
