import ArgumentParser
import CPNWorkflow

/// The report formats a command offers, for `ReportOutputOptions`' help and checks.
protocol ReportFormatSet {
    static var formats: [OutputFormat] { get }
}

/// Every format: `check` and `verify`.
enum AllReportFormats: ReportFormatSet {
    static let formats = OutputFormat.allCases
}

/// `--format`, `--output` and `--color`: where a command's reports go and in
/// which formats (the rules are `ReportTargets.help`).
struct ReportOutputOptions<Formats: ReportFormatSet>: ParsableArguments {
    @Option(help: ArgumentHelp("Report format: \(Formats.formats.map(\.rawValue).joined(separator: ", ")). Repeatable, or a comma list.",
                               valueName: "format"))
    var format: [String] = []

    @Option(name: [.customShort("o"), .long],
            help: ArgumentHelp("Write the report of the --format just before to FILE (atomically), or FORMAT=FILE.",
                               valueName: "file"))
    var output: [String] = []

    @Option(help: "Color the text output: auto, always or never.")
    var color: ColorChoice = .auto

    func validate() throws { _ = try targets() }

    /// The formats and their destinations, resolved from the command line.
    func targets() throws -> ReportTargets {
        do {
            return try ReportTargets(formats: format, outputs: output, allowed: Formats.formats)
        } catch let failure as ValidationFailure {
            throw ValidationError(failure.description)
        }
    }
}
