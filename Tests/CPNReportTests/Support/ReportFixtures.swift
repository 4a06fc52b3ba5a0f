import CPNExplore
import CPNLoad
import CPNReport
import Foundation
import Testing

/// The nets of `Tests/Fixtures/reports`, loaded under their short names (so
/// reports say `failing.yaml`, as the CLI goldens do) and explored once.
enum ReportFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func text(_ relative: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(relative), encoding: .utf8)
    }

    /// Loads `reports/NAME`, explores it when valid (with a state bound, for `unbounded.yaml`).
    static func report(_ name: String, maxStates: Int = 300) throws -> NetReport {
        let loaded = NetLoader.load(text: try text("reports/" + name), path: name)
        var options = ExplorationOptions()
        options.maxStates = maxStates
        return NetReport(loaded: loaded, result: loaded.checked.map { Explorer(net: $0, options: options).run(file: name) })
    }

    static func reports(_ names: [String]) throws -> [NetReport] { try names.map { try report($0) } }

    static let all = ["passing.yaml", "failing.yaml", "deadlock.yaml", "erroneous.yaml", "invalid.yaml", "unbounded.yaml"]

    /// The 1-based line of the first line of `name` containing `needle`.
    static func line(of needle: String, in name: String) throws -> Int {
        let lines = try text("reports/" + name).components(separatedBy: "\n")
        let index = try #require(lines.firstIndex { $0.contains(needle) }, "\(needle) is not in \(name)")
        return index + 1
    }

    static let sarifSchema: JSONSchemaValidator = {
        let text = (try? ReportFixtures.text("schemas/sarif-schema-2.1.0.json")) ?? "{}"
        return JSONSchemaValidator(schema: (try? JSONValue.parse(text)) ?? .null)
    }()
}
