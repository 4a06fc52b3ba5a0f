import CPNExplore
import Foundation

/// The machine-readable report (`specs/report.schema.json`). Keys are sorted
/// so the same result always prints the same bytes; `includeTiming: false`
/// zeroes the measured figures for byte-identical reports across runs.
public enum JSONReport {
    public static func render(_ results: [ExplorationResult], includeTiming: Bool = true) -> String {
        let document = Document(version: 1, results: results.map { r in
            var r = r
            if !includeTiming {
                r.elapsedMs = 0
                r.memoryBytes = 0
                r.bytesPerState = 0
            }
            return r
        })
        return encode(document)
    }

    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    struct Document: Encodable {
        let version: Int
        let results: [ExplorationResult]
    }
}
