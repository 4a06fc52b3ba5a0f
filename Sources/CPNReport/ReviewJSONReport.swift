import CPNExplore
import CPNModel
import CPNJSON

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
        JSONValue.members(
            ("version", 1),
            ("base", JSONValue.members(("ref", .string(review.baseRef)), ("commit", .string(review.baseCommit)))),
            ("strict", .bool(review.strict)),
            ("exit_code", .int(Int(review.exitCode))),
            ("new_failures", .int(review.newFailures)),
            ("fixed", .int(review.fixed)),
            ("still_failing", .int(review.stillFailing)),
            ("nets", .array(review.reviews.map(net)))
        ).pretty + "\n"
    }

    private func net(_ r: NetReview) -> JSONValue {
        JSONValue.members(
            ("path", .string(r.path)),
            ("base_path", r.basePath.map(JSONValue.string)),
            ("change", .string(r.fileChange.rawValue)),
            ("net", .string(r.displayName)),
            ("base_outcome", r.base.map { .string($0.outcome.rawValue) }),
            ("head_outcome", r.head.map { .string($0.outcome.rawValue) }),
            ("structure", r.diff.map { diff in .array(diff.changes.map(Self.change)) }),
            ("properties", .array(r.properties.map(property))),
            ("newly_dead_transitions", .array(r.newlyDeadTransitions.map(JSONValue.string))),
            ("diagnostics", r.head.map { head in .array(head.diagnostics.map { d in
                JSONValue.members(("severity", .string(d.severity.rawValue)), ("code", .string(d.code.rawValue)),
                       ("message", .string(d.message)), ("line", d.span.map { .int($0.start.line) }),
                       ("column", d.span.map { .int($0.start.column) }), ("help", d.help.map(JSONValue.string)))
            }) })
        )
    }

    /// One structural change: kind, element, name, details, and the line in the newer version (else the older).
    public static func change(_ c: NetDiff.Change) -> JSONValue {
        JSONValue.members(
            ("kind", .string(c.kind.rawValue)),
            ("element", .string(c.element.rawValue)),
            ("name", .string(c.name)),
            ("details", .array(c.details.map(JSONValue.string))),
            ("line", (c.newSpan ?? c.oldSpan).map { .int($0.start.line) }))
    }

    private func property(_ p: PropertyChange) -> JSONValue {
        JSONValue.members(
            ("name", .string(p.name)),
            ("kind", .string(p.kind)),
            ("base", p.base.map { .string($0.rawValue) }),
            ("head", p.head.map { .string($0.rawValue) }),
            ("verdict", .string(p.verdict.rawValue)),
            ("trace", p.headProperty?.trace.map(Self.trace)))
    }

    /// A trace in the shape of report.schema.json's `$defs/trace`.
    static func trace(_ t: Trace) -> JSONValue {
        func marking(_ places: [PlaceMarking]) -> JSONValue {
            .array(places.map { p in
                JSONValue.members(("place", .string(p.place)), ("tokens", .array(p.tokens.map { t in
                    JSONValue.members(("token", .string(t.token)), ("count", .int(t.count)), ("ready", t.ready.map(JSONValue.int)))
                })))
            })
        }
        func binding(_ b: [Binding]) -> JSONValue {
            .array(b.map { JSONValue.members(("variable", .string($0.variable)), ("value", .string($0.value))) })
        }
        func moves(_ m: [TokenMove]) -> JSONValue {
            .array(m.map { JSONValue.members(("place", .string($0.place)), ("token", .string($0.token)), ("count", .int($0.count)),
                                  ("delay", $0.delay.map(JSONValue.int))) })
        }
        return JSONValue.members(
            ("net", .string(t.net)),
            ("property", t.property.map(JSONValue.string)),
            ("initial", marking(t.initial)),
            ("steps", .array(t.steps.map { s in
                JSONValue.members(("index", .int(s.index)), ("kind", .string(s.kind.rawValue)), ("transition", s.transition.map(JSONValue.string)),
                       ("binding", binding(s.binding)), ("clock", .int(s.clock)), ("consumed", moves(s.consumed)),
                       ("produced", moves(s.produced)), ("marking", marking(s.marking)))
            })),
            ("failure", t.failure.map { f in
                JSONValue.members(("transition", .string(f.transition)), ("binding", binding(f.binding)), ("message", .string(f.message)),
                       ("location", JSONValue.members(("file", .string(f.location.file)), ("line", .int(f.location.line)),
                                           ("column", .int(f.location.column)))))
            }))
    }
}
