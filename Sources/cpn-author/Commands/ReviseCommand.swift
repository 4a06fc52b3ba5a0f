import ArgumentParser
import CPNDiagnostics
import CPNLoad
import CPNModel
import Foundation
import CPNWorkflow

/// `cpn-author revise`: a verified net plus a change request → a revised net that
/// passes the same gate, and a structural diff of what the model changed.
///
/// ```
/// $ cpn-author revise examples/polite-scraper/net.yaml "allow 2 requests per domain at a time" -o net2.yaml
/// round 1: asking openai gpt-4.1 …
/// round 1: passed: every property holds in all 2,012 reachable states
/// revise: examples/polite-scraper/net.yaml + change request → net2.yaml
///   round 1  passed: every property holds in all 2,012 reachable states   3,100 in, 700 out tokens, 9.0 s
///   ...
///   what the model changed (1 changed):
///     ~ place domain_free
///         initial: `[shop, news]` → `[shop, shop, news, news]`
/// verdict: VERIFIED in round 1 of 4; wrote net2.yaml
/// ```
struct ReviseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revise",
        abstract: "Ask an LLM to change a net; keep the change only if the net still verifies.",
        discussion: """
            The model gets the net and the change request, and its reply goes through the same \
            gate as `draft` (check, then verify), with repair rounds on failure. When it passes, \
            the revised net is written (atomically; to the input file unless -o says otherwise) \
            and the structural diff is printed: colors, constants, places, transitions, guards, \
            arcs, invariants and final added, removed or changed. Settings, structured replies, \
            transcripts and --replay work as for `draft` (see `cpn-author help draft`). A reply \
            made as JSON has no comments: the revision keeps every `description:` but not the \
            net's `#` comments; --no-structured lets the model keep them in fenced YAML.

            Exit codes: 0 the revised net passed and was written; 1 no revision passed within \
            --max-rounds; 2 invalid input, settings or an error talking to the model; 130 interrupted.

            Examples:
              cpn-author revise net.yaml "retry at most twice instead of three times"
              cpn-author revise net.yaml - -o net-v2.yaml < change-request.md
            """
    )

    @Argument(help: ArgumentHelp("The net to change (YAML); it must pass `check`.", valueName: "net.yaml"))
    var net: String

    @Argument(help: ArgumentHelp("What to change, in plain language, or - to read it from standard input.", valueName: "change-request"))
    var change: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the revised net (default: the input net, replaced only when the revision passes).",
                                                    valueName: "out.yaml"))
    var output: String?

    @OptionGroup var session: LLMSessionOptions

    func run() throws {
        let loaded = NetLoader.load(path: net)
        guard let original = loaded.checked else {
            var err = StandardError()
            print(DiagnosticRenderer(useColor: false).render(loaded.diagnostics) { $0 == loaded.path ? loaded.source : nil }, to: &err)
            throw ValidationFailure("\(net): \(loaded.errorCount) error\(loaded.errorCount == 1 ? "" : "s"); fix the net (or draft a new one) before revising it")
        }
        let source = loaded.source?.text ?? ""
        let request = try readChange()
        let outputPath = output ?? net
        let runner = DraftSessionRunner(kind: .revise, options: session.sessionSettings, toolVersion: CPNAuthorVersion.string, outputPath: outputPath)
        let outcome = try runner.run(extra: ["net_path": .string(net), "net": .string(source), "change": .string(request)], observer: { LLMProgress(modelName: $0, replaying: $1) }) { session, model in
            try session.revise(net: source, change: request, model: &model)
        }
        try runner.finish(outcome, input: "\(net) + change request") { revised in
            guard let new = NetLoader.load(text: revised, path: outputPath).checked else { return [] }
            let diff = NetDiff(from: original.net, to: new.net)
            guard !diff.isEmpty else { return ["  what the model changed: nothing structural (comments or layout only)"] }
            return ["  what the model changed (\(diff.summary)):"]
                + diff.rendered().split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
        }
    }

    private func readChange() throws -> String {
        let text: String
        if change == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            text = change
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationFailure("the change request is empty; say what to change")
        }
        return text
    }
}
