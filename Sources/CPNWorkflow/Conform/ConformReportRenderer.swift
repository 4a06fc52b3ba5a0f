import CPNConformance

/// One conformance result in each requested format (`ReportTargets`), from
/// the one result value: the formats cannot disagree.
public struct ConformReportRenderer {
    public var showTiming: Bool

    public init(showTiming: Bool = true) { self.showTiming = showTiming }

    public static let formats: [OutputFormat] = [.text, .json, .sarif, .junit, .markdown]

    public func render(_ result: ConformanceResult, as format: OutputFormat) -> String {
        switch format {
        case .text, .github: ConformanceTextReport(showTiming: showTiming).render(result)
        case .json: ConformanceJSONReport(showTiming: showTiming).render(result)
        case .sarif: ConformanceSARIFReport().render(result)
        case .junit: ConformanceJUnitReport().render(result)
        case .markdown: ConformanceMarkdownReport().render(result)
        }
    }
}
