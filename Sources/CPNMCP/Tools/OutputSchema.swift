import CPNJSON

/// The `outputSchema` of a tool: an object with the given properties, and in
/// scope every definition of `specs/report.schema.json` (`#/$defs/result`,
/// `#/$defs/trace`, `#/$defs/checkReport`, …) plus `#/$defs/report` (the whole
/// `verify --format json` document) and `#/$defs/diagnostic`. Built from the
/// spec itself, so the structured content and the spec cannot drift apart.
struct OutputSchema: Sendable {
    let properties: [(String, JSONSchemaText)]
    let required: [String]
    /// A definition of the report schema the content is, instead of properties.
    let definition: String?

    init(_ properties: [(String, JSONSchemaText)], required: [String]) {
        self.properties = properties
        self.required = required
        definition = nil
    }

    /// The content is exactly `#/$defs/NAME` of the report schema.
    init(definition: String) {
        properties = []
        required = []
        self.definition = definition
    }

    var document: JSONValue {
        if let definition {
            return .members(("$schema", "https://json-schema.org/draft/2020-12/schema"), ("type", "object"),
                            ("$ref", .string("#/$defs/" + definition)), ("$defs", Self.reportDefinitions))
        }
        return .members(("$schema", "https://json-schema.org/draft/2020-12/schema"),
                        ("type", "object"),
                        ("required", .array(required.map(JSONValue.string))),
                        ("properties", .object(properties.map { ($0.0, $0.1.value) })),
                        ("additionalProperties", .bool(false)),
                        ("$defs", Self.reportDefinitions))
    }

    /// The report schema's `$defs`, with `report` and `diagnostic` added, and
    /// those of the conformance schema with `conformanceReport` (the names do not clash).
    static let reportDefinitions: JSONValue = {
        func schema(_ path: String) -> (document: JSONValue, defs: [(String, JSONValue)]) {
            guard let text = EmbeddedDocuments.files.first(where: { $0.path == path })?.text,
                  case .object(let top)? = JSONValue.parse(text), case .object(let defs)? = top.first(where: { $0.0 == "$defs" })?.1
            else { preconditionFailure("\(path) is not embedded, or not a schema with $defs") }
            return (.object(top.filter { !["$schema", "$id", "$defs", "title"].contains($0.0) }), defs)
        }
        let (report, reportDefs) = schema("specs/report.schema.json")
        let (conformance, conformanceDefs) = schema("specs/conformance.schema.json")
        var defs = reportDefs + conformanceDefs
        defs.append(("conformanceReport", conformance))
        defs.append(("report", report))
        let diagnostic = JSONValue.object(reportDefs)["checkReport"]?["properties"]?["files"]?["items"]?["properties"]?["diagnostics"]?["items"]
        guard let diagnostic else { preconditionFailure("specs/report.schema.json: checkReport has no diagnostic items") }
        defs.append(("diagnostic", diagnostic))
        return .object(defs)
    }()

    /// `{"type": "array", "items": {"$ref": "#/$defs/diagnostic"}}` with a description.
    static let diagnostics = JSONSchemaText(##"{"type": "array", "items": {"$ref": "#/$defs/diagnostic"}, "description": "Every diagnostic of the net (errors and warnings), in reading order, with file:line:column and a help line where one applies; `cpn-author://diagnostics` explains each code."}"##)
}
