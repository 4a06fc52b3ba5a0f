import CPNExplore
import CPNModel

/// `cpn-author review --format json`: the review for scripts.
///
/// ```json
/// { "version": 1, "base": { "ref": "origin/main", "commit": "1a2b3c4" }, "strict": false,
///   "exit_code": 1, "new_failures": 1, "fixed": 0, "still_failing": 0,
///   "nets": [ { "path": "nets/lease.yaml", "change": "modified", "net": "lease",
///               "base_outcome": "passed", "head_outcome": "violated",
///               "structure": [ { "kind": "changed", "element": "transition", "name": "expire",
///                                "details": ["guard removed (was `w == a`)"], "line": 21 } ],
///               "properties": [ { "name": "mutex", "kind": "invariant", "base": "holds",
///                                 "head": "violated", "verdict": "new failure", "trace": { ... } } ] } ] }
/// ```
///
/// `trace` (present for violated properties of the new version) has the shape of
/// `$defs/trace` in specs/report.schema.json. Keys are in a fixed order, so the
/// same review gives the same bytes.
public struct ReviewJSONReport: Sendable {
    public init() {}

    public func render(_ review: ReviewReport) -> String {
        object(
            ("version", 1),
            ("base", object(("ref", .string(review.baseRef)), ("commit", .string(review.baseCommit)))),
            ("strict", .bool(review.strict)),
            ("exit_code", .int(Int(review.exitCode))),
            ("new_failures", .int(review.newFailures)),
            ("fixed", .int(review.fixed)),
            ("still_failing", .int(review.stillFailing)),
            ("nets", .array(review.reviews.map(net)))
        ).printed()
    }

    private func net(_ r: NetReview) -> OrderedJSON {
        object(
            ("path", .string(r.path)),
            ("base_path", r.basePath.map(OrderedJSON.string)),
            ("change", .string(r.fileChange.rawValue)),
            ("net", .string(r.displayName)),
            ("base_outcome", r.base.map { .string($0.outcome.rawValue) }),
            ("head_outcome", r.head.map { .string($0.outcome.rawValue) }),
            ("structure", r.diff.map { diff in .array(diff.changes.map(change)) }),
            ("properties", .array(r.properties.map(property))),
            ("newly_dead_transitions", .array(r.newlyDeadTransitions.map(OrderedJSON.string))),
            ("diagnostics", r.head.map { head in .array(head.diagnostics.map { d in
                object(("severity", .string(d.severity.rawValue)), ("code", .string(d.code.rawValue)),
                       ("message", .string(d.message)), ("line", d.span.map { .int($0.start.line) }),
                       ("column", d.span.map { .int($0.start.column) }), ("help", d.help.map(OrderedJSON.string)))
            }) })
        )
    }

    private func change(_ c: NetDiff.Change) -> OrderedJSON {
        object(
            ("kind", .string(c.kind.rawValue)),
            ("element", .string(c.element.rawValue)),
            ("name", .string(c.name)),
            ("details", .array(c.details.map(OrderedJSON.string))),
            ("line", (c.newSpan ?? c.oldSpan).map { .int($0.start.line) }))
    }

    private func property(_ p: PropertyChange) -> OrderedJSON {
        object(
            ("name", .string(p.name)),
            ("kind", .string(p.kind)),
            ("base", p.base.map { .string($0.rawValue) }),
            ("head", p.head.map { .string($0.rawValue) }),
            ("verdict", .string(p.verdict.rawValue)),
            ("trace", p.headProperty?.trace.map(Self.trace)))
    }

    /// A trace in the shape of report.schema.json's `$defs/trace`.
    static func trace(_ t: Trace) -> OrderedJSON {
        func marking(_ places: [PlaceMarking]) -> OrderedJSON {
            .array(places.map { p in
                object(("place", .string(p.place)), ("tokens", .array(p.tokens.map { t in
                    object(("token", .string(t.token)), ("count", .int(t.count)), ("ready", t.ready.map(OrderedJSON.int)))
                })))
            })
        }
        func binding(_ b: [Binding]) -> OrderedJSON {
            .array(b.map { object(("variable", .string($0.variable)), ("value", .string($0.value))) })
        }
        func moves(_ m: [TokenMove]) -> OrderedJSON {
            .array(m.map { object(("place", .string($0.place)), ("token", .string($0.token)), ("count", .int($0.count)),
                                  ("delay", $0.delay.map(OrderedJSON.int))) })
        }
        return object(
            ("net", .string(t.net)),
            ("property", t.property.map(OrderedJSON.string)),
            ("initial", marking(t.initial)),
            ("steps", .array(t.steps.map { s in
                object(("index", .int(s.index)), ("kind", .string(s.kind.rawValue)), ("transition", s.transition.map(OrderedJSON.string)),
                       ("binding", binding(s.binding)), ("clock", .int(s.clock)), ("consumed", moves(s.consumed)),
                       ("produced", moves(s.produced)), ("marking", marking(s.marking)))
            })),
            ("failure", t.failure.map { f in
                object(("transition", .string(f.transition)), ("binding", binding(f.binding)), ("message", .string(f.message)),
                       ("location", object(("file", .string(f.location.file)), ("line", .int(f.location.line)),
                                           ("column", .int(f.location.column)))))
            }))
    }
}
