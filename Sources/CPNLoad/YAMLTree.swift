import CPNDiagnostics

/// The YAML document as the decoder needs it: scalars with their style and
/// exact position, mappings with their keys in order. Built from Yams' nodes
/// by `YAMLComposer`, which also enforces the depth and size limits.
public indirect enum YAMLNode: Sendable {
    case scalar(YAMLScalar)
    case sequence([YAMLNode], SourceSpan)
    case mapping([(key: YAMLScalar, value: YAMLNode)], SourceSpan)

    public var span: SourceSpan {
        switch self {
        case .scalar(let s): s.span
        case .sequence(_, let s), .mapping(_, let s): s
        }
    }

    /// What a reader would call it, for "expected a mapping, found a list".
    public var kindName: String {
        switch self {
        case .scalar(let s): s.kindName
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}

public struct YAMLScalar: Sendable {
    public enum Style: Sendable { case plain, singleQuoted, doubleQuoted, literal, folded }
    /// What YAML's core schema makes of the text (quoted text is always a string).
    public enum Resolved: Sendable { case null, bool, int, float, string }

    public var string: String
    public var style: Style
    public var resolved: Resolved
    public var span: SourceSpan

    public var isNull: Bool { resolved == .null }

    var kindName: String {
        switch resolved {
        case .null: "nothing (null)"
        case .bool: "a boolean"
        case .int: "a number"
        case .float: "a decimal number"
        case .string: "text"
        }
    }
}
