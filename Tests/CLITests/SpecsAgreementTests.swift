import Foundation
import Testing

/// Keeps `specs/` true to the binary: the diagnostic catalog, the examples in
/// diagnostics.md, the net schema, the report schema and the key tables of
/// net-format.md are each compared with what `cpn-author` actually does.
@Suite struct SpecsAgreementTests {
    static let specs = CLI.repositoryRoot.appendingPathComponent("specs")

    func spec(_ name: String) throws -> String {
        try String(contentsOf: Self.specs.appendingPathComponent(name), encoding: .utf8)
    }

    func jsonObject(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    // MARK: - diagnostics.md

    /// `### E0302 — unknown name` sections of diagnostics.md: code, title, and the
    /// text up to the next heading.
    func diagnosticSections() throws -> [(code: String, title: String, body: String)] {
        var sections: [(code: String, title: String, body: String)] = []
        var inFence = false  // `# comment` lines of YAML examples are not headings
        for line in try spec("diagnostics.md").components(separatedBy: "\n") {
            if line.hasPrefix("```") { inFence.toggle() }
            if !inFence, line.hasPrefix("#") {
                if line.hasPrefix("### "), let (code, title) = Self.codeHeading(line) {
                    sections.append((code, title, ""))
                    continue
                }
                if let code = line.split(separator: " ").dropFirst().first, Self.isCode(String(code)) {
                    Issue.record("heading for \(code) is not `### \(code) — title`: \(line)")
                }
                if !sections.isEmpty, line.hasPrefix("## ") || line.hasPrefix("# ") { sections.append(("", "", "")) }
                continue
            }
            if !sections.isEmpty { sections[sections.count - 1].body += line + "\n" }
        }
        return sections.filter { !$0.code.isEmpty }
    }

    static func isCode(_ s: String) -> Bool {
        s.count == 5 && (s.hasPrefix("E") || s.hasPrefix("W")) && s.dropFirst().allSatisfy(\.isNumber)
    }

    /// `### CODE — title` (code, space, em dash, space, title).
    static func codeHeading(_ line: String) -> (String, String)? {
        let rest = line.dropFirst(4)
        guard let dash = rest.range(of: " — ") else { return nil }
        let code = String(rest[..<dash.lowerBound])
        guard isCode(code) else { return nil }
        return (code, String(rest[dash.upperBound...]))
    }

    /// `cpn-author explain` prints one `CODE  title` line per code.
    func catalog() throws -> [(code: String, title: String)] {
        let run = try CLI.run(["explain"])
        #expect(run.status == 0, "\(run.stderr)")
        return try run.stdout.split(separator: "\n").map { line in
            let parts = line.split(separator: " ", maxSplits: 1)
            let code = try #require(parts.first.map(String.init))
            #expect(Self.isCode(code), "unexpected line from `explain`: \(line)")
            return (code, parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
        }
    }

    @Test func everyExplainedCodeHasAHeadingWithItsTitleAndNoOtherCodeHasOne() throws {
        let explained = try catalog()
        let sections = try diagnosticSections()
        #expect(explained.count >= 40, "`explain` listed only \(explained.count) codes")
        let documented = Dictionary(sections.map { ($0.code, $0.title) }, uniquingKeysWith: { first, _ in first })
        #expect(documented.count == sections.count, "a code has two sections in diagnostics.md")
        for (code, title) in explained {
            #expect(documented[code] == title, "diagnostics.md: expected `### \(code) — \(title)`, found \(documented[code].map { "`\($0)`" } ?? "no section")")
        }
        let known = Set(explained.map(\.code))
        for s in sections where !known.contains(s.code) {
            Issue.record("diagnostics.md documents \(s.code), which `cpn-author explain` does not know")
        }
        // Same order as the catalog, so a reader finds a code where its range is.
        #expect(sections.map(\.code) == explained.map(\.code))
    }

    /// The YAML example of each section, checked by the binary, reports that
    /// section's code. All examples go through one `check --format json` run.
    @Test func everyDiagnosticExampleReportsItsCode() throws {
        // Codes about the file itself cannot be shown as YAML text.
        // E0501 is about PNML; its example is XML, checked in `pnmlDiagnosticExampleReportsE0501`.
        let withoutYAMLExample: Set<String> = ["E0001", "E0002", "E0003", "E0501"]
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var files: [String: String] = [:]
        for section in try diagnosticSections() {
            guard let example = Self.firstYAMLBlock(section.body) else {
                #expect(withoutYAMLExample.contains(section.code), "\(section.code) has no ```yaml example in diagnostics.md")
                continue
            }
            let path = dir.appendingPathComponent("\(section.code).yaml").path
            try example.write(toFile: path, atomically: true, encoding: .utf8)
            files[path] = section.code
        }
        #expect(files.count >= 38)
        let run = try CLI.run(["check", "--format", "json"] + files.keys.sorted())
        let report = try jsonObject(run.stdout)
        let results = try #require(report["files"] as? [[String: Any]])
        #expect(results.count == files.count)
        for result in results {
            let path = try #require(result["path"] as? String)
            let expected = try #require(files[path])
            let codes = (result["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(codes.contains(expected), "the example of \(expected) reports \(codes) instead")
        }
    }

    @Test func pnmlDiagnosticExampleReportsE0501() throws {
        let section = try #require(try diagnosticSections().first { $0.code == "E0501" })
        let body = section.body
        let open = try #require(body.range(of: "```xml\n"))
        let close = try #require(body.range(of: "```", range: open.upperBound..<body.endIndex))
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("net.pnml").path
        try String(body[open.upperBound..<close.lowerBound]).write(toFile: path, atomically: true, encoding: .utf8)
        let run = try CLI.run(["check", path])
        #expect(run.status == 2)
        #expect(run.stdout.contains("error[E0501]") || run.stderr.contains("error[E0501]"), "\(run.stdout)\(run.stderr)")
    }

    static func firstYAMLBlock(_ text: String) -> String? {
        guard let open = text.range(of: "```yaml\n") else { return nil }
        guard let close = text.range(of: "\n```", range: open.upperBound..<text.endIndex) else { return nil }
        return String(text[open.upperBound..<close.lowerBound]) + "\n"
    }

    // MARK: - cpn-net.schema.json

    @Test func schemaCommandPrintsTheSpecFileByteForByte() throws {
        let run = try CLI.run(["schema"])
        #expect(run.status == 0, "\(run.stderr)")
        let file = try Data(contentsOf: Self.specs.appendingPathComponent("cpn-net.schema.json"))
        #expect(Data(run.stdout.utf8) == file, "`cpn-author schema` differs from specs/cpn-net.schema.json; run `make embed`")
    }

    /// The rows of the table under `### heading` in net-format.md: the first
    /// cell's key, written in backquotes.
    func tableKeys(under heading: String, in text: String) throws -> Set<String> {
        let lines = text.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex(of: "### \(heading)"), "net-format.md has no `### \(heading)`")
        var keys = Set<String>()
        var inTable = false
        for line in lines[(start + 1)...] {
            if line.hasPrefix("|") {
                inTable = true
                let cell = line.split(separator: "|").first?.trimmingCharacters(in: .whitespaces) ?? ""
                if cell.hasPrefix("`"), cell.hasSuffix("`"), cell.count > 2 { keys.insert(String(cell.dropFirst().dropLast())) }
            } else if inTable || line.hasPrefix("#") {
                break
            }
        }
        #expect(!keys.isEmpty, "no keys in the table under `### \(heading)`")
        return keys
    }

    @Test func netFormatKeyTablesMatchTheNetSchema() throws {
        let text = try spec("net-format.md")
        let schema = try jsonObject(try spec("cpn-net.schema.json"))
        let defs = try #require(schema["$defs"] as? [String: Any])
        func properties(_ object: Any?) throws -> Set<String> {
            let o = try #require(object as? [String: Any])
            return Set(try #require(o["properties"] as? [String: Any]).keys)
        }
        let pairs: [(String, Set<String>)] = [
            ("Top-level keys", try properties(schema)),
            ("Place keys", try properties(defs["place"])),
            ("Transition keys", try properties(defs["transition"])),
        ]
        for (heading, schemaKeys) in pairs {
            let documented = try tableKeys(under: heading, in: text)
            #expect(documented.subtracting(schemaKeys).isEmpty,
                    "net-format.md `\(heading)` lists keys the schema lacks: \(documented.subtracting(schemaKeys).sorted())")
            #expect(schemaKeys.subtracting(documented).isEmpty,
                    "the schema has keys net-format.md `\(heading)` does not list: \(schemaKeys.subtracting(documented).sorted())")
        }
    }

    // MARK: - report.schema.json

    /// Passes, with `final` (so all four kinds of property appear).
    static let passing = """
    cpn: 1
    colors:
      Job: { int: [1, 2] }
    places:
      queue: { color: Job, initial: [1, 2], capacity: 2 }
      done: Job
    transitions:
      work: { in: { queue: j }, out: { done: j } }
    invariants:
      conserved: "size(queue) + size(done) == 2"
    final: "size(done) == 2"
    """

    /// Timed, and fails twice: an invariant (a trace with fire and tick steps,
    /// delayed tokens, bindings) and an evaluation error (a trace with a failure).
    static let failing = """
    cpn: 1
    colors:
      N: { int: [0, 3] }
    places:
      a: { color: N, initial: ["2", "1 @+ 2"] }
      b: N
    transitions:
      move: { in: { a: n }, out: { b: "n @+ 1" } }
      down: { in: { b: n }, out: { a: "n - 1" } }
    invariants:
      b_small: "size(b) <= 1"
    """

    /// Checks that `value` has every key the schema node requires, recursing
    /// into the properties present and the items of arrays, through `$ref`s.
    /// Deliberately only `required`: types and conditions are validated with a
    /// real JSON Schema validator (see specs/README.md).
    func expectRequiredKeys(_ value: Any, _ node: [String: Any], defs: [String: Any], at path: String) throws {
        var node = node
        if let ref = node["$ref"] as? String {
            let name = try #require(ref.split(separator: "/").last.map(String.init))
            node = try #require(defs[name] as? [String: Any], "\(ref) is not in $defs")
        }
        if let object = value as? [String: Any] {
            for key in node["required"] as? [String] ?? [] {
                #expect(object[key] != nil, "\(path) lacks the required key `\(key)`")
            }
            let properties = node["properties"] as? [String: Any] ?? [:]
            for (key, sub) in object {
                if let p = properties[key] as? [String: Any] {
                    try expectRequiredKeys(sub, p, defs: defs, at: "\(path).\(key)")
                }
            }
        } else if let array = value as? [Any], let items = node["items"] as? [String: Any] {
            for (i, item) in array.enumerated() { try expectRequiredKeys(item, items, defs: defs, at: "\(path)[\(i)]") }
        }
    }

    @Test(arguments: [false, true])
    func jsonReportsHaveEveryRequiredKey(noTiming: Bool) throws {
        let schema = try jsonObject(try spec("report.schema.json"))
        let defs = try #require(schema["$defs"] as? [String: Any])
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let passing = dir.appendingPathComponent("passing.yaml").path
        let failing = dir.appendingPathComponent("failing.yaml").path
        try Self.passing.write(toFile: passing, atomically: true, encoding: .utf8)
        try Self.failing.write(toFile: failing, atomically: true, encoding: .utf8)

        let run = try CLI.run(["verify", passing, failing, "--format", "json"] + (noTiming ? ["--no-timing"] : []))
        #expect(run.status == 1, "\(run.stderr)")
        let report = try jsonObject(run.stdout)
        try expectRequiredKeys(report, schema, defs: defs, at: "report")

        // The walk saw what it should: both verdicts, a trace with a tick, a failure.
        let results = try #require(report["results"] as? [[String: Any]])
        #expect(results.map { $0["verdict"] as? String } == ["pass", "violated"])
        let properties = results.flatMap { $0["properties"] as? [[String: Any]] ?? [] }
        #expect(Set(properties.compactMap { $0["kind"] as? String }) == ["invariant", "deadlock", "final-reachable", "boundedness", "expression-error"])
        let traces = properties.compactMap { $0["trace"] as? [String: Any] }
        let steps = traces.flatMap { $0["steps"] as? [[String: Any]] ?? [] }
        #expect(steps.contains { $0["kind"] as? String == "tick" })
        #expect(steps.contains { $0["kind"] as? String == "fire" })
        #expect(traces.contains { $0["failure"] != nil })
        if noTiming { #expect(results.allSatisfy { $0["elapsed_ms"] as? Int == 0 }) }

        let simulation = try CLI.run(["simulate", failing, "--format", "json", "--runs", "3"])
        let simulationSchema = try #require(defs["simulationReport"] as? [String: Any])
        try expectRequiredKeys(try jsonObject(simulation.stdout), simulationSchema, defs: defs, at: "simulation")

        let check = try CLI.run(["check", passing, failing, "--format", "json"])
        let checkSchema = try #require(defs["checkReport"] as? [String: Any])
        try expectRequiredKeys(try jsonObject(check.stdout), checkSchema, defs: defs, at: "check")
    }
}
