import CPNJSON
import CPNReport
import CPNWorkflow

/// `review`: two versions of a net verified and compared, as the pull-request gate does.
struct ReviewTool: CPNTool {
    let name = "review"
    let title = "Review a change to a net"
    let description = """
        Verify two versions of a net (`base`, the one before a change, and `head`, after it) and compare \
        them as `cpn-author review` does in a pull request: the structural diff, each property's status \
        before and after (new failure, fixed, still failing, unchanged) with the new counterexample, \
        transitions that became dead. exit_code is 1 when the change introduces a failure.
        """
    var arguments: [(String, JSONSchemaText)] {
        NetArgument.prefixed("base").schemaProperties + NetArgument.prefixed("head").schemaProperties + ExplorationArguments.schema
            + [("strict", .init(##"{"type": "boolean", "default": false, "description": "Fail on any failing property of the new version, not only on new failures."}"##))]
    }
    let output = OutputSchema([
        ("exit_code", .init(##"{"type": "integer"}"##)),
        ("summary", .init(##"{"type": "string"}"##)),
        ("review", .init(##"{"type": "object", "description": "The `cpn-author review --format json` document: base, strict, exit_code, new_failures, fixed, still_failing, nets[] with structure, properties (traces as #/$defs/trace), newly_dead_transitions and diagnostics."}"##)),
    ], required: ["exit_code", "summary", "review"])

    func call(_ a: ToolArguments, _ context: ToolContext) async throws -> ToolOutcome {
        let base = try NetArgument.prefixed("base").source(a, roots: context.roots)
        let head = try NetArgument.prefixed("head").source(a, roots: context.roots)
        let options = try ExplorationArguments.options(a)
        let strict = try a.bool("strict")
        let reports = try await context.explore(options, "review") { o in Verification.verify([base, head], options: o) }
        let review = ReviewReport(baseRef: base.path, baseCommit: "-",
                                  reviews: [NetReview(path: head.path, basePath: base.path == head.path ? nil : base.path,
                                                      fileChange: .modified, base: reports[0], head: reports[1])],
                                  strict: strict)
        guard let json = JSONValue.parse(ReviewJSONReport().render(review)) else { throw ToolMisuse("internal: the review is not JSON") }
        return ToolOutcome(text: ReviewTextReport().render(review),
                           structured: .members(("exit_code", .int(Int(review.exitCode))), ("summary", .string(review.summaryLine)),
                                                ("review", json)))
    }
}
