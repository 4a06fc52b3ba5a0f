import CPNExplore
import CPNLoad
import CPNModel
import CPNReport
import Testing

/// How `review` classifies each property between a base and a new version.
@Suite struct NetReviewTests {
    func report(_ text: String, path: String = "net.yaml") -> NetReport {
        let loaded = NetLoader.load(text: text, path: path)
        return NetReport(loaded: loaded, result: loaded.checked.map { Explorer(net: $0).run(file: path) })
    }

    static let good = """
    cpn: 1
    places:
      a: { color: Unit, initial: 2 }
      b: Unit
    transitions:
      t: { in: { a: 1 }, out: { b: 1 } }
    invariants:
      total: "size(a) + size(b) == 2"
    final: "size(b) == 2"
    """

    /// `t` makes two tokens of one: `total` breaks, and the end has 4 tokens in `b`,
    /// which is not `final`: a deadlock too.
    static let broken = good.replacingOccurrences(of: "out: { b: 1 }", with: "out: { b: 2 }")

    func verdicts(_ review: NetReview) -> [String: PropertyChange.Verdict] {
        Dictionary(uniqueKeysWithValues: review.properties.map { ($0.label, $0.verdict) })
    }

    @Test func breakingAnInvariantIsANewFailureWithADiff() {
        let review = NetReview(path: "net.yaml", fileChange: .modified, base: report(Self.good), head: report(Self.broken))
        #expect(verdicts(review)["invariant total"] == .newFailure)
        #expect(verdicts(review)["check"] == .holds)
        #expect(review.hasNewFailure)
        #expect(review.diff?.changes.map(\.name) == ["t"])
        #expect(review.diff?.rendered() == "~ transition t\n    output to b: `1` → `2`")
    }

    @Test func repairingItIsFixedAndSameFailureIsStillFailing() {
        let fixed = NetReview(path: "net.yaml", fileChange: .modified, base: report(Self.broken), head: report(Self.good))
        #expect(verdicts(fixed)["invariant total"] == .fixed)
        #expect(!fixed.hasNewFailure)
        let still = NetReview(path: "net.yaml", fileChange: .modified, base: report(Self.broken), head: report(Self.broken + "\n"))
        #expect(verdicts(still)["invariant total"] == .stillFailing)
        #expect(!still.hasNewFailure && still.hasFailure)
        #expect(still.diff?.isEmpty == true)
    }

    @Test func addedRemovedAndRenamedProperties() {
        let renamed = Self.good.replacingOccurrences(of: "  total:", with: "  sum:")
        let review = NetReview(path: "net.yaml", fileChange: .modified, base: report(Self.good), head: report(renamed))
        #expect(verdicts(review)["invariant sum"] == .added)
        #expect(verdicts(review)["invariant total"] == .removed)
        let newNet = NetReview(path: "net.yaml", fileChange: .added, base: nil, head: report(Self.broken))
        #expect(verdicts(newNet)["invariant total"] == .newFailure, "a new net that fails is a new failure")
        #expect(verdicts(newNet)["check"] == .added)
        let gone = NetReview(path: "net.yaml", fileChange: .deleted, base: report(Self.broken), head: nil)
        #expect(gone.properties.allSatisfy { $0.verdict == .removed })
        #expect(!gone.hasNewFailure && !gone.hasFailure)
    }

    @Test func breakingTheYAMLIsANewFailureAndTheRestIsUnknown() {
        let review = NetReview(path: "net.yaml", fileChange: .modified, base: report(Self.good),
                               head: report(Self.good.replacingOccurrences(of: "color: Unit", with: "color: Unitt")))
        #expect(verdicts(review)["check"] == .newFailure)
        #expect(verdicts(review)["invariant total"] == .unknown)
        #expect(review.diff != nil, "the YAML still parses into a model")
    }

    @Test func theExitCodeGatesOnNewFailuresAndWithStrictOnAny() {
        let still = NetReview(path: "net.yaml", fileChange: .modified, base: report(Self.broken), head: report(Self.broken))
        let new = NetReview(path: "b.yaml", fileChange: .modified, base: report(Self.good), head: report(Self.broken))
        #expect(ReviewReport(baseRef: "main", baseCommit: "abc", reviews: [still], strict: false).exitCode == 0)
        #expect(ReviewReport(baseRef: "main", baseCommit: "abc", reviews: [still], strict: true).exitCode == 1)
        #expect(ReviewReport(baseRef: "main", baseCommit: "abc", reviews: [still, new], strict: false).exitCode == 1)
        let summary = ReviewReport(baseRef: "main", baseCommit: "abc", reviews: [still, new], strict: false).summaryLine
        #expect(new.newFailures.map(\.label) == ["invariant total", "deadlock"])
        #expect(summary == "2 nets changed since main (abc): 2 new failures, 2 still failing")
    }

    @Test func baselineStateSaysWhetherAFindingIsNew() throws {
        let still = NetReview(path: "net.yaml", fileChange: .modified, base: report(Self.broken), head: report(Self.broken))
        let review = ReviewReport(baseRef: "main", baseCommit: "abc", reviews: [still], strict: false)
        let head = try #require(still.head)
        let finding = try #require(Finding.of(head).first { $0.rule == .invariant })
        #expect(review.baselineState(head, finding) == "unchanged")
        let new = NetReview(path: "net.yaml", fileChange: .modified, base: report(Self.good), head: report(Self.broken))
        let newReview = ReviewReport(baseRef: "main", baseCommit: "abc", reviews: [new], strict: false)
        #expect(newReview.baselineState(try #require(new.head), finding) == "new")
    }
}
