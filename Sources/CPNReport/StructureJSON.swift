import CPNExplore
import CPNStructure
import Foundation

extension JSONReport {
    /// The JSON report with a `structure` object in each result that has one
    /// (`verify --structure`). Without structures it prints the same bytes as
    /// `render(_:includeTiming:)`.
    public static func render(_ results: [(result: ExplorationResult, structure: StructuralReport?)],
                              includeTiming: Bool = true) -> String {
        let document = StructuredDocument(version: 1, results: results.map { r, s in
            var r = r
            if !includeTiming {
                r.elapsedMs = 0
                r.memoryBytes = 0
                r.bytesPerState = 0
            }
            return StructuredResult(result: r, structure: s)
        })
        return encode(document)
    }

    struct StructuredDocument: Encodable {
        let version: Int
        let results: [StructuredResult]
    }

    /// A result's own keys, plus `structure`.
    struct StructuredResult: Encodable {
        let result: ExplorationResult
        let structure: StructuralReport?

        enum Key: String, CodingKey { case structure }

        func encode(to encoder: any Encoder) throws {
            try result.encode(to: encoder)
            guard let structure else { return }
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(structure, forKey: .structure)
        }
    }
}
