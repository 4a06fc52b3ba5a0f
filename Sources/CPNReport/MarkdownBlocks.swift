import CPNDiagnostics
import CPNExplore
import CPNModel

/// Pieces of GitHub-flavoured Markdown shared by the `verify` and `review`
/// comments: code spans that survive tables, a trace as a table, diagnostics as
/// a list, and the net as a Mermaid diagram with a trace marked.
public enum MarkdownBlocks {
    /// A code span. Pipes are escaped even inside code in GFM tables; the fence
    /// is one backtick longer than the longest run inside, so a value holding
    /// backticks cannot close it early. Names come from untrusted nets: a line
    /// break (which would end the table row, or start a forged line of the
    /// comment), a control or a bidi character is written as a visible escape.
    public static func code(_ s: String) -> String {
        let text = VisibleText.escaped(s).replacingPipes()
        var longest = 0, run = 0
        for c in text { run = c == "`" ? run + 1 : 0; longest = max(longest, run) }
        let fence = String(repeating: "`", count: longest + 1)
        // CommonMark strips one space on each side when both are there.
        let padded = longest > 0 || text.hasPrefix(" ") && text.hasSuffix(" ") ? " " + text + " " : text
        return fence + padded + fence
    }

    /// Plain text for a table cell or a line: pipes escaped, line breaks as spaces,
    /// and everything Markdown or HTML would act on escaped (`inline`).
    public static func cell(_ s: String) -> String {
        inline(s.split(whereSeparator: \.isNewline).joined(separator: " ")).replacingPipes()
    }

    /// Plain text outside tables (a quoted line): line breaks as spaces, pipes
    /// left alone — GitHub would show an escaped pipe's backslash there.
    public static func line(_ s: String) -> String {
        inline(s.split(whereSeparator: \.isNewline).joined(separator: " "))
    }

    /// Text that GitHub shows as it is: `<` and `&` as entities (no HTML, no
    /// `<!--` that hides the rest of the comment), the punctuation of emphasis,
    /// links and images backslash-escaped, control and bidi characters as
    /// visible escapes. Backtick-quoted names inside stay code spans.
    static func inline(_ s: String) -> String {
        var out = ""
        for (index, part) in VisibleText.escaped(s).split(separator: "`", omittingEmptySubsequences: false).enumerated() {
            if index % 2 == 1 {
                out += "`" + part + "`"
                continue
            }
            for c in part {
                switch c {
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "&": out += "&amp;"
                case "\\", "*", "_", "[", "]", "!", "~", "#": out += "\\" + String(c)
                default: out.append(c)
                }
            }
        }
        // An unpaired backtick would open a span that runs to the next one.
        if s.filter({ $0 == "`" }).count % 2 == 1, let last = out.lastIndex(of: "`") {
            out.replaceSubrange(last...last, with: "\\`")
        }
        return out
    }

    /// Code inside raw HTML (a `<summary>`), where Markdown is not read: HTML-escaped.
    static func htmlCode(_ s: String) -> String {
        var out = "<code>"
        for c in VisibleText.escaped(s) {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out + "</code>"
    }

    /// Plain text inside raw HTML: HTML-escaped.
    static func htmlText(_ s: String) -> String {
        String(htmlCode(s).dropFirst("<code>".count).dropLast("</code>".count))
    }

    static func location(_ r: SourceRegion) -> String { code("\(r.file):\(r.line):\(r.column)") }

    /// The counterexample as a table: the initial marking above it, one row per
    /// step, the marking after the last step (or the failing binding) below it.
    static func traceTable(_ trace: Trace, timed: Bool) -> String {
        var out = "**Initial marking:** \(moves(trace.initial))\n\n"
        if trace.steps.isEmpty && trace.failure == nil { return out + "The initial marking itself violates the property.\n" }
        out += "| step | transition | binding | takes | gives |" + (timed ? " clock |" : "") + "\n"
        out += "|---:|---|---|---|---|" + (timed ? "---:|" : "") + "\n"
        for step in trace.steps {
            if step.kind == .tick {
                let ready = TraceNarration.becameReady(at: step, in: trace).map { code("\($0.place): \($0.token)") }
                out += "| \(step.index) | *clock tick* | | | " + (ready.isEmpty ? "" : ready.joined(separator: " · ") + " ready")
                    + " |" + (timed ? " \(step.clock) |" : "") + "\n"
                continue
            }
            out += "| \(step.index) | \(code(step.transition ?? "?")) | \(binding(step.binding)) | \(moves(step.consumed)) | \(moves(step.produced)) |"
                + (timed ? " \(step.clock) |" : "") + "\n"
        }
        if let f = trace.failure {
            out += "| \(trace.steps.count + 1) | \(f.transition.hasPrefix("(") ? cell(f.transition) : code(f.transition)) | \(binding(f.binding)) | "
                + "**error:** \(cell(f.message)) | |" + (timed ? " |" : "") + "\n"
            out += "\nThe last row fails at \(location(SourceRegion(f.location))).\n"
        } else if let last = trace.steps.last {
            out += "\n**Marking after step \(last.index):** \(moves(last.marking))\n"
        }
        return out
    }

    static func binding(_ b: [Binding]) -> String {
        b.isEmpty ? "" : code(TraceNarration.binding(b))
    }

    static func moves(_ m: [TokenMove]) -> String {
        m.map { code("\($0.place): \($0.count == 1 ? "" : "\($0.count)×")\($0.token)") + ($0.delay.map { " (ready in \($0))" } ?? "") }
            .joined(separator: " · ")
    }

    static func moves(_ marking: [PlaceMarking]) -> String {
        let parts = marking.filter { !$0.tokens.isEmpty }.map { code("\($0.place): " + TraceNarration.tokens($0)) }
        return parts.isEmpty ? "*(empty)*" : parts.joined(separator: " · ")
    }

    /// `- invalid.yaml:7:21 **E0201** unknown color `Proxi` — help: …`
    static func diagnostics(_ items: [Diagnostic]) -> String {
        items.map { d in
            "- " + (d.span.map { location(SourceRegion($0)) + " " } ?? "") + "**\(d.code.rawValue)** \(cell(d.message))"
                + (d.help.map { " — help: \(cell($0))" } ?? "")
        }.joined(separator: "\n") + "\n"
    }

    /// The net as a collapsed Mermaid diagram, the trace's transitions in red.
    static func diagram(_ net: Net, trace: Trace?, summary: String) -> String {
        "<details><summary>\(summary)</summary>\n\n```mermaid\n"
            + MermaidGraph.render(NetGraph(net: net, trace: trace)) + "```\n\n</details>\n"
    }
}

extension String {
    fileprivate func replacingPipes() -> String {
        var out = ""
        for c in self { if c == "|" { out += "\\|" } else { out.append(c) } }
        return out
    }
}
