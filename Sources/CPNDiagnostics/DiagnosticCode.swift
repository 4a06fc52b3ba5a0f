/// A stable diagnostic code. Codes are part of the interface: scripts and the
/// repair prompt match on them, so a code is never reused for another meaning.
/// Every code is listed, with an explanation, in `DiagnosticCode.catalog` and in
/// `specs/diagnostics.md` (a test keeps the two in step).
public struct DiagnosticCode: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public var severity: Severity { rawValue.hasPrefix("W") ? .warning : .error }

    public static func < (a: DiagnosticCode, b: DiagnosticCode) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

extension DiagnosticCode {
    // Reading the file and the YAML underneath (E00xx).
    public static let unreadableFile = DiagnosticCode("E0001")
    public static let fileTooLarge = DiagnosticCode("E0002")
    public static let notUTF8 = DiagnosticCode("E0003")
    public static let yamlSyntax = DiagnosticCode("E0004")
    public static let duplicateKey = DiagnosticCode("E0005")
    public static let nestingTooDeep = DiagnosticCode("E0006")
    public static let tooManyNodes = DiagnosticCode("E0007")
    public static let notAMapping = DiagnosticCode("E0008")
    public static let multipleDocuments = DiagnosticCode("E0009")

    // The shape of the net document (E01xx).
    public static let unknownKey = DiagnosticCode("E0101")
    public static let missingKey = DiagnosticCode("E0102")
    public static let wrongYAMLType = DiagnosticCode("E0103")
    public static let badInteger = DiagnosticCode("E0104")
    public static let unsupportedVersion = DiagnosticCode("E0105")
    public static let invalidName = DiagnosticCode("E0106")

    // Colors (E02xx).
    public static let unknownColor = DiagnosticCode("E0201")
    public static let invalidColor = DiagnosticCode("E0202")
    public static let recursiveColor = DiagnosticCode("E0203")
    public static let nameClash = DiagnosticCode("E0204")

    // Expressions (E03xx).
    public static let expressionSyntax = DiagnosticCode("E0301")
    public static let unknownName = DiagnosticCode("E0302")
    public static let typeMismatch = DiagnosticCode("E0303")
    public static let unknownField = DiagnosticCode("E0304")
    public static let badCall = DiagnosticCode("E0305")
    public static let ambiguousName = DiagnosticCode("E0306")
    public static let notAllowedHere = DiagnosticCode("E0307")
    public static let constantEvaluation = DiagnosticCode("E0308")
    public static let outOfColorRange = DiagnosticCode("E0309")
    public static let invalidPattern = DiagnosticCode("E0310")

    // Places, transitions and properties (E04xx).
    public static let unknownPlace = DiagnosticCode("E0401")
    public static let boundTwice = DiagnosticCode("E0402")
    public static let unboundVariable = DiagnosticCode("E0403")
    public static let circularArcs = DiagnosticCode("E0404")
    public static let overCapacity = DiagnosticCode("E0405")
    public static let invalidCapacity = DiagnosticCode("E0406")
    public static let notBool = DiagnosticCode("E0407")
    public static let emptyTransition = DiagnosticCode("E0408")
    /// A name in an `unless:` pattern that no `in:` or `read:` arc binds.
    public static let bindingInhibitor = DiagnosticCode("E0409")

    // Other formats (E05xx).
    /// A PNML document that is not well-formed XML or not a place/transition net.
    public static let invalidPNML = DiagnosticCode("E0501")

    // Warnings (W0xxx): likely bugs that do not make the net meaningless.
    public static let unusedPlace = DiagnosticCode("W0001")
    public static let unusedVariable = DiagnosticCode("W0002")
    public static let neverFires = DiagnosticCode("W0003")
    public static let unboundedSource = DiagnosticCode("W0004")
    public static let pumpingTransition = DiagnosticCode("W0005")
}
