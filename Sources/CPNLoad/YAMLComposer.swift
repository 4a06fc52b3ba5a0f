import CPNDiagnostics
import Yams

/// Turns a net file's text into a `YAMLNode` tree with Yams (libyaml), and
/// turns every way that can fail into a diagnostic with a position.
///
/// libyaml itself stops at 1000 levels of nesting, which keeps Yams'
/// recursive composer safe. Aliases are cheap to compose (Yams shares the
/// aliased node) but a tree walk multiplies them, so the walk counts the
/// nodes it visits again through aliases and stops an alias bomb at
/// `maximumNodes`. Nodes written out in the file are not counted: the
/// 8 MiB limit on the file bounds them, and a large generated net (100,000
/// places is 600,000 nodes) is not a bomb.
public enum YAMLComposer {
    public static let maximumDepth = 64
    public static let maximumNodes = 200_000

    public static func compose(_ source: SourceFile) -> Result<YAMLNode, Diagnostic> {
        let root: Node?
        do {
            // No implicit tags while composing: Yams resolves them with regular
            // expressions, for every scalar and again for every mapping key it hashes
            // in its duplicate check — most of the time `check` took on a large net.
            // `Walker.scalar` resolves the plain scalars that can be anything but a string.
            root = try Yams.compose(yaml: source.text, Resolver.basic)
        } catch let error as YamlError {
            return .failure(diagnostic(for: error, in: source))
        } catch {
            return .failure(Diagnostic(.yamlSyntax, "\(error)", at: SourceSpan(file: source.path, line: 1, column: 1)))
        }
        guard let root else {
            let blank = source.text.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
            return .failure(Diagnostic(.notAMapping, blank ? "the file is empty" : "the file holds only comments",
                                       at: SourceSpan(file: source.path, line: 1, column: 1),
                                       help: "a net starts with `cpn: 1` and declares `colors:`, `places:` and `transitions:`"))
        }
        var walker = Walker(file: source.path)
        do {
            return .success(try walker.convert(root, depth: 0))
        } catch let d as Diagnostic {
            return .failure(d)
        } catch {
            return .failure(Diagnostic(.yamlSyntax, "\(error)", at: nil))
        }
    }

    private struct Walker {
        let file: String
        /// Nodes walked again because an alias repeats them.
        var repeated = 0
        /// Where the last container walked starts. Without aliases, containers
        /// are walked in source order; one that starts at or before this one is
        /// a repeat, reached through an alias (anchors precede their aliases).
        var lastContainer = (line: 0, column: 0)
        /// The top-level key whose value is being walked: where an alias bomb
        /// is pointed out. The node that crosses the limit is a shared one, so
        /// its own mark is somewhere in the first anchor, which explains nothing.
        var topLevelKey: SourceSpan? = nil

        func span(_ mark: Mark?, length: Int = 1) -> SourceSpan {
            SourceSpan(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, length: length)
        }

        mutating func convert(_ node: Node, depth: Int, throughAlias: Bool = false) throws -> YAMLNode {
            var throughAlias = throughAlias
            if !throughAlias, node.sequence != nil || node.mapping != nil, let m = node.mark {
                if (m.line, m.column) <= lastContainer { throughAlias = true } else { lastContainer = (m.line, m.column) }
            }
            if throughAlias { repeated += 1 }
            if repeated > YAMLComposer.maximumNodes {
                throw Diagnostic(.tooManyNodes, "aliases expand the document by more than \(YAMLComposer.maximumNodes) YAML nodes",
                                 at: topLevelKey ?? span(node.mark), help: "this looks like an alias bomb (`&a [*a, *a, ...]`); write the values out without aliases")
            }
            if depth > YAMLComposer.maximumDepth {
                throw Diagnostic(.nestingTooDeep, "the document nests deeper than \(YAMLComposer.maximumDepth) levels",
                                 at: span(node.mark), help: "a net needs only a few levels; check how this file was generated")
            }
            switch node {
            case .scalar(let s):
                return .scalar(scalar(s))
            case .alias(let a):
                // Yams' composer replaces aliases by the nodes they name; one left over is an anchor it could not find.
                throw Diagnostic(.yamlSyntax, "unresolved alias `*\(a.anchor)`", at: span(a.mark),
                                 help: "define the anchor (`&name`) before using `*name`, or write the value out")
            case .sequence(let seq):
                var items: [YAMLNode] = []
                for item in seq { items.append(try convert(item, depth: depth + 1, throughAlias: throughAlias)) }
                return .sequence(items, span(seq.mark))
            case .mapping(let map):
                var pairs: [(key: YAMLScalar, value: YAMLNode)] = []
                for (k, v) in map {
                    guard case .scalar(let ks) = k else {
                        throw Diagnostic(.wrongYAMLType, "a mapping key must be a plain name, found \(k.sequence != nil ? "a list" : "a mapping")",
                                         at: span(k.mark), help: "remove the `?` complex key; keys are names like `places`")
                    }
                    if throughAlias { repeated += 1 }
                    let key = scalar(ks)
                    if depth == 0 { topLevelKey = key.span }
                    pairs.append((key, try convert(v, depth: depth + 1, throughAlias: throughAlias)))
                }
                return .mapping(pairs, span(map.mark))
            }
        }

        func scalar(_ s: Node.Scalar) -> YAMLScalar {
            let style: YAMLScalar.Style = switch s.style {
            case .singleQuoted: .singleQuoted
            case .doubleQuoted: .doubleQuoted
            case .literal: .literal
            case .folded: .folded
            default: .plain
            }
            let resolved: YAMLScalar.Resolved
            if style != .plain {
                resolved = .string
            } else {
                switch Self.implicitTag(s.string) {
                case Tag.Name.null.rawValue: resolved = .null
                case Tag.Name.bool.rawValue: resolved = .bool
                case Tag.Name.int.rawValue: resolved = .int
                case Tag.Name.float.rawValue: resolved = .float
                default: resolved = .string
                }
            }
            let length = s.string.unicodeScalars.count
            let width = style == .plain ? length : (style == .singleQuoted || style == .doubleQuoted) && !s.string.contains("\n") ? length + 2 : 1
            return YAMLScalar(string: s.string, style: style, resolved: resolved, span: span(s.mark, length: min(width, 80)))
        }

        /// The tag YAML's default rules give a plain scalar (`Resolver.default`).
        /// Those rules only match text that starts with a digit, a sign, `.`, `~`,
        /// `<`, `=`, one of the letters of yes/no/true/false/on/off/null, or is
        /// empty; any other text is a string without running them. A decimal
        /// numeral without a leading zero (`initial: 1`, the commonest number in
        /// a net) is an int without running them either.
        static func implicitTag(_ text: String) -> String {
            guard let first = text.unicodeScalars.first else { return Resolver.default.resolveTag(of: Node(text)).rawValue }
            if first != "0", text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                return Tag.Name.int.rawValue
            }
            switch first {
            case "0"..."9", "+", "-", ".", "~", "<", "=", "y", "Y", "n", "N", "t", "T", "f", "F", "o", "O":
                return Resolver.default.resolveTag(of: Node(text)).rawValue
            default:
                return Tag.Name.str.rawValue
            }
        }
    }

    // MARK: - Errors

    static func diagnostic(for error: YamlError, in source: SourceFile) -> Diagnostic {
        let file = source.path
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            // libyaml's own depth limit (1000) speaks of its C API; say what it means for the file.
            if problem.hasPrefix("Maximum nesting level") {
                return Diagnostic(.nestingTooDeep, "the document nests deeper than \(maximumDepth) levels",
                                  at: span(at: mark, in: source),
                                  help: "a net needs only a few levels; check how this file was generated")
            }
            if problem.contains("but found another document") {
                return Diagnostic(.multipleDocuments, "the file holds more than one YAML document",
                                  at: span(at: mark, in: source, length: 3),
                                  help: "a net file holds one document: remove the `---` and put each net in its own file")
            }
            // libyaml notices a missing closing quote only at the end of the file;
            // the reader needs to see where the string opened.
            if let context, context.text.contains("while scanning a quoted scalar"), problem.contains("end of stream") {
                let quote = source.line(context.mark.line).flatMap { line in
                    line.unicodeScalars.dropFirst(max(0, context.mark.column - 1)).first
                }.map { String($0) } ?? "\""
                return Diagnostic(.yamlSyntax, "this quoted string is never closed",
                                  at: span(at: context.mark, in: source),
                                  help: "end it with `\(quote)`; a quote inside it is written \(quote == "'" ? "`''`" : "`\\\"`")")
            }
            var message = problem
            if let context, !context.text.isEmpty { message = "\(problem) (\(context.text) at line \(context.mark.line))" }
            // libyaml's words for a tab in the indentation do not mention tabs.
            let indentation = source.line(mark.line)?.unicodeScalars.prefix { $0 == " " || $0 == "\t" } ?? []
            if problem.contains("cannot start any token"), indentation.contains("\t") {
                message = "a tab indents this line"
            }
            return Diagnostic(.yamlSyntax, message, at: span(at: mark, in: source),
                              help: syntaxHelp(problem: problem, at: mark, in: source))
        case let .reader(problem, offset, _, _):
            let (line, column) = offset.map { lineAndColumn(ofCharacter: $0, in: source.text) } ?? (1, 1)
            return Diagnostic(.yamlSyntax, problem, at: span(line: line, column: column, in: source),
                              help: problem.contains("control") ? "remove the control character; net files are plain text" : nil)
        case let .duplicatedKeysInMapping(duplicates, context):
            let key = duplicates.sorted().first ?? ""
            let first = span(at: context.mark, in: source, length: key.unicodeScalars.count)
            let second = findRepeatedKey(key, after: context.mark, in: source)
            return Diagnostic(.duplicateKey, "duplicate key `\(key)`", at: second ?? first,
                              help: "remove one of them, or rename it",
                              notes: second == nil ? [] : [.init("first given here", at: first)])
        case .memory:
            return Diagnostic(.yamlSyntax, "the YAML parser ran out of memory", at: SourceSpan(file: file, line: 1, column: 1))
        default:
            return Diagnostic(.yamlSyntax, "\(error)", at: SourceSpan(file: file, line: 1, column: 1))
        }
    }

    /// The span at a libyaml mark, kept inside the text: at the end of a file
    /// without a final line break, libyaml marks the line after the last one.
    private static func span(at mark: Mark, in source: SourceFile, length: Int = 1) -> SourceSpan {
        span(line: mark.line, column: mark.column, in: source, length: length)
    }

    private static func span(line: Int, column: Int, in source: SourceFile, length: Int = 1) -> SourceSpan {
        let clampedLine = min(max(1, line), source.lines.count)
        let width = source.line(clampedLine)?.unicodeScalars.count ?? 0
        let clampedColumn = line > source.lines.count ? width + 1 : min(max(1, column), width + 1)
        return SourceSpan(file: source.path, line: clampedLine, column: clampedColumn, length: length)
    }

    private static func syntaxHelp(problem: String, at mark: Mark, in source: SourceFile) -> String? {
        let line = source.line(mark.line).map { Array($0.unicodeScalars) } ?? []
        let column = mark.column - 1
        if line.contains("\t"), problem.contains("cannot start any token") || line.prefix(while: { $0 == " " || $0 == "\t" }).contains("\t") {
            return "YAML does not allow tabs for indentation; indent with spaces"
        }
        if problem.contains("mapping values are not allowed") {
            return "quote the value: an unquoted value cannot contain `: ` (write \"...\")"
        }
        if problem.contains("did not find expected key"), line.first(where: { $0 != " " }) == ":" {
            return "a mapping entry is written `key: value`; this line has no key before its `:`"
        }
        if problem.contains("did not find expected key") || problem.contains("did not find expected '-'") {
            return "check the indentation of this line against the lines above it"
        }
        if problem.contains("did not find expected ',' or ']'") {
            return "close the list with `]`, or separate its items with `,`"
        }
        if problem.contains("did not find expected ',' or '}'") {
            return "close the mapping with `}`, or separate its entries with `,`"
        }
        if problem.contains("could not find expected ':'") {
            return "a key ends with `:` on the line where it starts, and is at most 1024 characters long"
        }
        if problem.contains("found undefined alias") {
            return "define the anchor (`&name`) before using `*name`, or write the value out"
        }
        if problem.contains("found character that cannot start any token"), column >= 0, column < line.count {
            let c = line[column]
            if c == "`" || c == "@" { return "quote the value: YAML reserves `\(c)` at the start of a plain value" }
            if c == "%" { return "quote the value: `%` starts a YAML directive" }
        }
        if problem.contains("did not find expected node content") { return "a value is missing here" }
        if problem.contains("found unexpected end of stream") {
            return "close the quote or bracket opened earlier"
        }
        return nil
    }

    /// The position of the second `key:` after the first one at `mark`:
    /// Yams reports where the key first appeared, the reader wants the repeat.
    private static func findRepeatedKey(_ key: String, after mark: Mark, in source: SourceFile) -> SourceSpan? {
        let candidates = [key + ":", "\"" + key + "\":", "'" + key + "':"]
        for lineNumber in mark.line...max(mark.line, source.lines.count) {
            guard let line = source.line(lineNumber) else { break }
            let scalars = Array(line.unicodeScalars)
            let startColumn = lineNumber == mark.line ? mark.column : 0
            var i = max(0, startColumn)
            while i < scalars.count {
                for candidate in candidates {
                    let c = Array(candidate.unicodeScalars)
                    let boundaryBefore = i == 0 || !(scalars[i - 1].properties.isAlphabetic || scalars[i - 1] == "_" || scalars[i - 1].properties.numericType != nil)
                    if boundaryBefore, i + c.count <= scalars.count, Array(scalars[i..<(i + c.count)]) == c,
                       (lineNumber != mark.line || i + 1 > mark.column) {
                        return SourceSpan(file: source.path, line: lineNumber, column: i + 1, length: c.count - 1)
                    }
                }
                i += 1
            }
        }
        return nil
    }

    /// Yams gives a reader error's offset in Characters; columns count
    /// scalars (a combining accent is a column of its own).
    private static func lineAndColumn(ofCharacter offset: Int, in text: String) -> (Int, Int) {
        let end = text.index(text.startIndex, offsetBy: max(0, offset), limitedBy: text.endIndex) ?? text.endIndex
        var line = 1, column = 1
        for c in text.unicodeScalars[..<end] {
            if c == "\n" { line += 1; column = 1 } else if c != "\r" { column += 1 }
        }
        return (line, column)
    }
}
