import ArgumentParser
import CPNDiagnostics
import CPNRuntime
import Foundation
import CPNWorkflow

/// `cpn-author partition`: whether a net can run as independent shards keyed by a field.
///
/// ```
/// $ cpn-author partition examples/polite-scraper/net.yaml --by domain
/// net `polite-scraper` cannot be partitioned by `domain` (color Domain): 1 transition may cross shards
/// ...
///   start_fetch: CROSSES SHARDS: it moves tokens of keyed places and of global place `proxies`, which every shard shares
/// ```
struct PartitionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partition",
        abstract: "Decide whether a net can run as independent shards, one per value of a key.",
        discussion: """
            --by names a record field (domain: the domain of every token that has one, and every \
            token of that field's color) or a color (Job). A place whose tokens hold the key is \
            keyed; one whose tokens do not is global, as are places given with --global. The net \
            is partitionable when every transition touches only global places, or only keyed \
            places with one key for all its tokens, provably: through the variables that join its \
            patterns, the expressions of its arcs, and the equalities of its guard. Keyed places \
            must have no capacity and no order (both compare tokens of every key). The report \
            gives the argument (each arc's key), or names each transition that may cross shards \
            with the arcs that show it (file:line:column).

            Exit codes: 0 partitionable, 1 not partitionable, 2 invalid input.
            """
    )

    @Argument(help: "The net file (YAML).")
    var file: String

    @Option(help: "The key: a record field (domain) or a color (Job).")
    var by: String

    @Option(help: "A place whose tokens belong to no shard (repeatable).")
    var global: [String] = []

    @Option(help: "Report format: text or json.")
    var format: TextOrJSON = .text

    func run() throws {
        var err = StandardError()
        let loaded = NetInput.load(path: file)
        guard let checked = loaded.checked else {
            let renderer = DiagnosticRenderer(useColor: ColorChoice.auto.enabled(forFileDescriptor: STDERR_FILENO))
            print(renderer.render(loaded.diagnostics) { $0 == loaded.path ? loaded.source : nil }, to: &err)
            print("\(file): \(loaded.errorCount) error\(loaded.errorCount == 1 ? "" : "s"); not analysed", to: &err)
            throw ExitCode(ExitStatus.invalidInput)
        }
        let proof: PartitionProof
        do {
            proof = try PartitionAnalysis(net: checked, key: by, global: global).run()
        } catch let e as PartitionError {
            print("error: \(e.message)", to: &err)
            if let hint = e.hint { print("  help: \(hint)", to: &err) }
            throw ExitCode(ExitStatus.invalidInput)
        }
        switch format {
        case .text: print(TerminalText.inert(proof.text), terminator: "")
        case .json: print(proof.json.pretty)
        }
        if !proof.isPartitionable { throw ExitCode(ExitStatus.violated) }
    }
}
