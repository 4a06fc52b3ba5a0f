@testable import cpn_author
import CPNWorkflow
import CPNExplore
import CPNLoad
import CPNReport
import Foundation
import Testing

/// Mutates a real counterexample trace (seeded) and loads each mutant with the
/// trace loader `replay` and `graph --trace` use: it must never crash, must
/// refuse with a message that names the file, and a trace it accepts must be
/// printable and checkable against its net. Budget: `CPN_FUZZ_MUTANTS`.
@Suite struct TraceFuzzTests {
    static let seed: UInt64 = ProcessInfo.processInfo.environment["CPN_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x7ACE_F022
    static let mutants = ProcessInfo.processInfo.environment["CPN_FUZZ_MUTANTS"].flatMap { Int($0) } ?? 600

    /// JSON pieces worth inserting: structure, numbers at the edges, controls.
    static let dictionary = [
        "{", "}", "[", "]", ",", ":", "\"", "null", "true", "-1", "0", "1.5", "1e400", "9223372036854775808", "-9223372036854775809",
        "\"\\u001b[2J\"", "\"\\u202e\"", "\"\\ud800\"", "\"count\": ", "\"steps\": []", "\"initial\": [{\"place\": \"x\", \"tokens\": []}]",
        "\"kind\": \"tick\"", "\"transition\": null", "\\", "\u{0}", "é", " ", "\n",
    ]

    static func mutate(_ text: String, using g: inout SeededGenerator) -> String {
        var scalars = Array(text.unicodeScalars)
        func rebuild() -> String { String(String.UnicodeScalarView(scalars)) }
        guard !scalars.isEmpty else { return dictionary.randomElement(using: &g)! }
        let i = Int.random(in: 0..<scalars.count, using: &g)
        switch Int.random(in: 0..<5, using: &g) {
        case 0: scalars.removeSubrange(i..<min(scalars.count, i + Int.random(in: 1...12, using: &g)))
        case 1: scalars[i] = Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &g))
        case 2: scalars = Array(scalars.prefix(i))
        case 3:
            // A number somewhere becomes another one.
            if let digit = scalars[i...].firstIndex(where: { ("0"..."9").contains($0) }) {
                scalars.replaceSubrange(digit...digit, with: ["-1", "2", "1.5", "99999999999999999999", "0"].randomElement(using: &g)!.unicodeScalars)
            }
        default: scalars.insert(contentsOf: dictionary.randomElement(using: &g)!.unicodeScalars, at: i)
        }
        return rebuild()
    }

    @Test func mutantsNeverCrashTheTraceLoader() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bug = CLI.repositoryRoot.appendingPathComponent("examples/polite-scraper/bugs/domain-slot-off-by-one.yaml").path
        let produced = try CLI.run(["verify", bug, "--trace-out", "t.json"], in: dir)
        #expect(produced.status == 1, "\(produced.stderr)")
        let original = try String(contentsOf: dir.appendingPathComponent("t.json"), encoding: .utf8)
        let net = try #require(NetLoader.load(path: bug).net)
        #expect((try? TraceFile.load(dir.appendingPathComponent("t.json").path)) != nil, "the original trace does not load")
        var generator = SeededGenerator(seed: Self.seed)
        var accepted = 0, refused = 0
        let path = dir.appendingPathComponent("m.json").path
        for index in 0..<Self.mutants {
            var mutant = original
            for _ in 0..<Int.random(in: 1...3, using: &generator) { mutant = Self.mutate(mutant, using: &generator) }
            try mutant.write(toFile: path, atomically: false, encoding: .utf8)
            do {
                let trace = try TraceFile.load(path)
                accepted += 1
                _ = TextReport(showTiming: false).renderTrace(trace, indent: "  ")
                _ = DOTGraph.render(NetGraph(net: net, trace: trace))
                try? TraceFile.check(trace, fits: net, tracePath: path, netPath: bug)
            } catch let failure as ValidationFailure {
                refused += 1
                #expect(failure.description.contains("m.json"), "mutant \(index) (seed \(Self.seed)): \(failure)")
                #expect(!failure.description.contains("\u{1B}"), "mutant \(index): a raw escape in \(failure.description.debugDescription)")
            }
        }
        print("TraceFuzzTests: \(Self.mutants) mutants (seed \(Self.seed)): \(refused) refused, \(accepted) accepted")
        #expect(refused > 0 && accepted > 0)
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
