import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// A net from a pull request names itself with everything that could break
/// out of the artifact it lands in: a Promela comment closer and code, line
/// breaks with a forged verdict, an HTML comment opener, XML and Markdown
/// markup, a GitHub workflow command, an ANSI sequence, a bidi override.
/// Each exported or rendered artifact must hold it as inert text.
@Suite struct ArtifactEscapingTests {
    static let hostileName = "*/ c_decl { int x; } active proctype evil() { c_code { system(\"touch pwned\"); } } /*"
        + "\n✅ 1 of 1 net passed\n<!-- ]]> </summary></details> ``` | \" ' & <b>x</b> %0A\n::error file=x::forged"
        + " \u{1B}[2J \u{202E} ??/ \\"

    /// The hostile name in a failing net (two tokens reach `b`, whose invariant allows one).
    static func net() throws -> String {
        let quoted = String(decoding: try JSONSerialization.data(withJSONObject: hostileName, options: [.fragmentsAllowed]), as: UTF8.self)
        return """
            cpn: 1
            name: \(quoted)
            description: \(quoted)
            places:
              a: { color: Unit, initial: 2 }
              b: Unit
            transitions:
              t: { in: { a: 1 }, out: { b: 1 } }
            invariants:
              at_most_one: "size(b) <= 1"
            final: "size(a) == 0"

            """
    }

    static func run(_ arguments: [String]) throws -> (CLIRun, URL) {
        let dir = try CLI.scratchDirectory()
        try net().write(to: dir.appendingPathComponent("hostile.yaml"), atomically: true, encoding: .utf8)
        return (try CLI.run(arguments, in: dir), dir)
    }

    /// The text a C preprocessor leaves once comments are gone (they do not nest;
    /// the first `*/` ends one).
    static func withoutComments(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "/*") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "*/") else { return out }
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    @Test func promelaCommentsHoldTheNameAsText() throws {
        let (run, dir) = try Self.run(["export", "hostile.yaml", "--to", "promela"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(run.status == 0, "\(run.stderr)")
        let code = Self.withoutComments(run.stdout)
        for word in ["c_code", "c_decl", "evil", "system", "pwned"] {
            #expect(!code.contains(word), "`\(word)` is outside a comment:\n\(code)")
        }
        #expect(!run.stdout.contains("\u{1B}") && !run.stdout.contains("??/") && !run.stdout.contains("\\"), "\(run.stdout)")
        // Everything outside comments is the model: one proctype, the counters, the loop.
        #expect(code.components(separatedBy: "proctype").count == 2, "\(code)")
        #expect(code.unicodeScalars.allSatisfy { $0.isASCII }, "non-ASCII in the model:\n\(code)")
    }

    /// A parser that records whether the document is well-formed.
    final class XMLCheck: NSObject, XMLParserDelegate, @unchecked Sendable {
        var error: Error?
        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { error = parseError }
        static func wellFormed(_ text: String) -> Error? {
            let parser = XMLParser(data: Data(text.utf8))
            let check = XMLCheck()
            parser.delegate = check
            return parser.parse() ? nil : (check.error ?? parser.parserError ?? CocoaError(.coderInvalidValue))
        }
    }

    @Test func pnmlStaysWellFormed() throws {
        let (run, dir) = try Self.run(["export", "hostile.yaml", "--to", "pnml"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(XMLCheck.wellFormed(run.stdout) == nil, "\(String(describing: XMLCheck.wellFormed(run.stdout)))\n\(run.stdout)")
        #expect(!run.stdout.contains("<!-- ]]>") && !run.stdout.contains("<b>"))
    }

    @Test func junitStaysWellFormed() throws {
        let (run, dir) = try Self.run(["verify", "hostile.yaml", "--format", "junit"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(run.status == 1, "\(run.stderr)")
        #expect(XMLCheck.wellFormed(run.stdout) == nil, "\(run.stdout)")
    }

    @Test func sarifStaysJSON() throws {
        let (run, dir) = try Self.run(["verify", "hostile.yaml", "--format", "sarif"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(run.status == 1)
        #expect((try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) != nil, "\(run.stdout)")
        #expect(!run.stdout.contains("\u{1B}"))
    }

    /// One annotation per line, each a workflow command of ours: the name cannot
    /// start a line of its own (`::error file=x::forged`).
    @Test func githubAnnotationsStayOneALine() throws {
        let (run, dir) = try Self.run(["verify", "hostile.yaml", "--format", "github"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(line.hasPrefix("::error ") || line.hasPrefix("::warning ") || line.hasPrefix("::notice "), "\(line)")
            #expect(!line.contains("\u{1B}") && !line.contains("\u{202E}") && !line.contains("\r"), "\(line.debugDescription)")
        }
        #expect(!lines.contains { $0.hasPrefix("::error file=x") })
    }

    /// The pull-request comment: the name may not end the table row, start a
    /// heading or a forged verdict line, open an HTML comment, or close the
    /// `<details>` around the diagram.
    @Test func markdownKeepsTheNameInItsSpans() throws {
        let (run, dir) = try Self.run(["verify", "hostile.yaml", "--format", "markdown"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(run.status == 1, "\(run.stderr)")
        let md = run.stdout
        let lines = md.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(!lines.contains { $0.hasPrefix("✅") || $0.hasPrefix("::") }, "a forged line:\n\(md)")
        #expect(lines.filter { $0.hasPrefix("### ") }.count == 1, "\(md)")
        // Inside a code span markup is shown, not read; outside, none may come from the name.
        let prose = lines.map { Self.withoutCodeSpans(String($0)) }.joined(separator: "\n")
        #expect(!prose.contains("<!--"), "an HTML comment opener:\n\(prose)")
        #expect(prose.components(separatedBy: "</summary>").count == 2 && prose.components(separatedBy: "</details>").count == 2, "\(prose)")
        #expect(!prose.contains("<b>"), "raw HTML from the name:\n\(prose)")
        #expect(!md.contains("\u{1B}") && !md.contains("\u{202E}"))
        // The table row of the net is one line with its six cells.
        let row = try #require(lines.first { $0.hasPrefix("| ❌ |") }, "\(md)")
        #expect(row.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count == 6, "\(row)")
        // Every ``` of the document is a fence of ours (the Mermaid block).
        #expect(lines.filter { $0.hasPrefix("```") } == ["```mermaid", "```"], "\(lines.filter { $0.hasPrefix("```") })")
    }

    /// A Markdown line with its code spans (a run of n backticks to the next run of
    /// exactly n) taken out.
    static func withoutCodeSpans(_ line: String) -> String {
        let c = Array(line)
        var out = ""
        var i = 0
        func run(at j: Int) -> Int { var k = j; while k < c.count && c[k] == "`" { k += 1 }; return k - j }
        while i < c.count {
            guard c[i] == "`", !(i > 0 && c[i - 1] == "\\") else { out.append(c[i]); i += 1; continue }
            let n = run(at: i)
            var j = i + n
            var closed = false
            while j < c.count {
                if c[j] == "`" {
                    let m = run(at: j)
                    if m == n { closed = true; j += m; break }
                    j += m
                } else { j += 1 }
            }
            if closed { out += "<code>"; i = j } else { out += String(c[i..<(i + n)]); i += n }
        }
        return out
    }

    @Test func mermaidAndDOTLabelsStayQuoted() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.net().write(to: dir.appendingPathComponent("hostile.yaml"), atomically: true, encoding: .utf8)
        let mermaid = try CLI.run(["graph", "hostile.yaml", "--format", "mermaid"], in: dir)
        #expect(mermaid.status == 0, "\(mermaid.stderr)")
        for line in mermaid.stdout.split(separator: "\n") {
            #expect(!line.hasPrefix("```") && !line.contains("\u{1B}"), "\(line)")
            #expect(line.filter { $0 == "\"" }.count % 2 == 0, "an unbalanced quote: \(line)")
        }
        let dot = try CLI.run(["graph", "hostile.yaml", "--format", "dot"], in: dir)
        #expect(dot.status == 0, "\(dot.stderr)")
        let lines = dot.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("digraph \"*/ c_decl") == true && lines.last == "}", "\(dot.stdout)")
        for line in lines {
            // Quotes balance on every line once escaped ones are set aside: no label spills over.
            let bare = line.replacingOccurrences(of: "\\\\", with: "").replacingOccurrences(of: "\\\"", with: "")
            #expect(bare.filter { $0 == "\"" }.count % 2 == 0, "\(line)")
            #expect(!line.contains("\u{1B}") && !line.contains("\u{202E}"), "\(line.debugDescription)")
        }
    }
}
