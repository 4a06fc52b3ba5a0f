import ArgumentParser
import CPNRuntime
import Foundation
import CPNWorkflow
import CPNJSON

/// `cpn-author tokens`: put tokens into a running net, look at them, take them out.
///
/// ```
/// $ cpn-author tokens add targets "{id: 4, domain: news, prio: 1, attempt: 0}" --store sqlite:scraper.db
/// added 1 token to targets (event 57)
/// $ cpn-author tokens take stored --count 2 --store sqlite:scraper.db
/// {id: 1, domain: shop, prio: 2, attempt: 0}
/// {id: 2, domain: shop, prio: 1, attempt: 0}
/// ```
struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Add tokens to a running net, list them, or take them out.",
        discussion: """
            Tokens are written as in a net file (`shop`, `(p1, {domain: shop, prio: 2})`). Adding \
            and taking are transactions with an event, like firings: refused when a place's \
            capacity or an invariant would not allow them.
            """,
        subcommands: [Add.self, List.self, Take.self, Drain.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add tokens to a place (new work from outside the net).")

        @Argument(help: "The place.")
        var place: String

        @Argument(help: "The tokens, as written in a net file.")
        var tokens: [String]

        @Option(parsing: .unconditional, help: "Time units until the tokens are ready.")
        var delay: Int = 0

        @Option(help: "The net, to put in an empty store first (it must match a store that already has one).")
        var net: String?

        @OptionGroup var store: RuntimeStoreOptions

        func validate() throws {
            if tokens.isEmpty { throw ValidationError("give at least one token, e.g. tokens add targets \"{domain: shop, prio: 2, attempt: 0}\"") }
            // The bound of a net's own delays (specs/semantics.md), so an added token waits no longer than a produced one can.
            guard delay >= 0 && delay <= Int(Int32.max) else { throw ValidationError("--delay must be between 0 and \(Int32.max) time units, not \(delay)") }
        }

        func run() throws {
            try store.withEngine(net: net) { engine in
                let event = try engine.addTokens(place: place, values: tokens, delay: delay)
                print("added \(tokens.count) token\(tokens.count == 1 ? "" : "s") to \(place) (event \(event.id))")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the tokens, per place: value, id, ready time, holder.")

        @Argument(help: "Places to list (all when none).")
        var places: [String] = []

        @Option(help: "Output format: text or json.")
        var format: TextOrJSON = .text

        @OptionGroup var store: RuntimeStoreOptions

        func run() throws {
            try store.withEngine(mustExist: true) { engine in
                for p in places { _ = try engine.place(named: p) }
                let snapshot = try engine.snapshot()
                let wanted = places.isEmpty ? engine.net.checked.places.map(\.name) : places
                let rows = snapshot.tokens.filter { wanted.contains($0.place) }
                switch format {
                case .json:
                    print(JSONValue.array(rows.map { t in
                        var m: [(String, JSONValue)] = [("id", .int(Int(t.id))), ("place", .string(t.place)), ("token", .string(t.value)),
                                                        ("ready_at", .string(EventLog.timestamp(t.readyAt)))]
                        if t.isHeld(at: snapshot.real), let by = t.claimedBy { m.append(("held_by", .string(by))) }
                        return .object(m)
                    }).pretty)
                case .text:
                    for name in wanted {
                        let here = rows.filter { $0.place == name }
                        print("\(name): \(here.isEmpty ? "(empty)" : "\(here.count) token\(here.count == 1 ? "" : "s")")")
                        for t in here {
                            var notes: [String] = []
                            if t.readyAt > snapshot.now { notes.append("ready in \(RuntimeDuration.format(micros: t.readyAt - snapshot.now))") }
                            if t.isHeld(at: snapshot.real), let by = t.claimedBy { notes.append("held by \(by)") }
                            print("  #\(t.id)  \(t.value)" + (notes.isEmpty ? "" : "  (" + notes.joined(separator: ", ") + ")"))
                        }
                    }
                }
            }
        }
    }

    struct Take: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take ready tokens out of a place (a consumer draining results), oldest first; prints them.")

        @Argument(help: "The place.")
        var place: String

        @Option(parsing: .unconditional, help: "How many to take at most.")
        var count: Int = 1

        @Option(help: "Take only copies of this token.")
        var value: String?

        @Option(help: "Output format: text (one token a line) or jsonl (one JSON object a line, with ids).")
        var format: TakeFormat = .text

        @OptionGroup var store: RuntimeStoreOptions

        func run() throws {
            try take(place: place, count: count, value: value, format: format, store: store)
        }
    }

    struct Drain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take every ready token out of a place; prints them.")

        @Argument(help: "The place.")
        var place: String

        @Option(help: "Output format: text or jsonl.")
        var format: TakeFormat = .text

        @OptionGroup var store: RuntimeStoreOptions

        func run() throws {
            try take(place: place, count: nil, value: nil, format: format, store: store)
        }
    }

    enum TakeFormat: String, ExpressibleByArgument, CaseIterable { case text, jsonl }
}

/// Takes tokens out and prints them. The tokens are printed, and standard output
/// flushed, inside the transaction that takes them: when the output cannot be
/// written (a full disk, a closed pipe) the transaction rolls back and the
/// tokens stay in the store.
private func take(place: String, count: Int?, value: String?, format: TokensCommand.TakeFormat, store: RuntimeStoreOptions) throws {
    try store.withEngine(mustExist: true) { engine in
        let event = try engine.takeTokens(place: place, count: count, value: value) { event in
            for t in event.consumed {
                switch format {
                case .text: print(t.value)
                case .jsonl:
                    print(JSONValue.object([("id", .int(Int(t.id))), ("place", .string(t.place)), ("token", .string(t.value)), ("event", .int(Int(event.id)))]).rendered)
                }
            }
            try StandardOutput.flush()
        }
        if event.consumed.isEmpty {
            var err = StandardError()
            print("no ready token in \(place)", to: &err)
        }
    }
}
