import CPNDiagnostics
import CPNLoad

/// Reads a mapping file with the net loader's YAML machinery (`SourceReader`,
/// `YAMLComposer`: size, depth and node limits, positions), so every mistake
/// is a diagnostic at file:line:column with a hint, and all are reported at once.
/// Names are checked against the net later (`ConformanceMap.resolve`), where
/// the same spans are used.
public enum ConformanceMapLoader {
    public static let keys = ["conform", "format", "csv", "case", "event", "events", "unmapped", "silent", "silent_depth", "final"]

    public static func load(path: String) -> Result<(ConformanceMap, SourceFile), MapDiagnostics> {
        let source: SourceFile
        switch SourceReader.read(path: path) {
        case .success(let s): source = s
        case .failure(let d): return .failure(MapDiagnostics([d]))
        }
        switch parse(source) {
        case .success(let m): return .success((m, source))
        case .failure(let d): return .failure(d)
        }
    }

    public static func parse(_ source: SourceFile) -> Result<ConformanceMap, MapDiagnostics> {
        let root: YAMLNode
        switch YAMLComposer.compose(source) {
        case .success(let n): root = n
        case .failure(let d): return .failure(MapDiagnostics([d]))
        }
        var bag = DiagnosticBag()
        var map = ConformanceMap()
        map.file = source.path
        guard case .mapping(let members, let span) = root else {
            return .failure(MapDiagnostics([Diagnostic(.notAMapping, "a mapping file is a YAML mapping, not \(root.kindName)", at: root.span,
                                                       help: "start with `conform: 1`")]))
        }
        func wrong(_ node: YAMLNode, _ expected: String, help: String? = nil) {
            bag.add(Diagnostic(.wrongYAMLType, "expected \(expected), found \(node.kindName)", at: node.span, help: help))
        }
        func scalar(_ node: YAMLNode, _ expected: String) -> YAMLScalar? {
            if case .scalar(let s) = node, !s.isNull { return s }
            wrong(node, expected)
            return nil
        }
        var sawVersion = false
        for (key, value) in members {
            switch key.string {
            case "conform":
                sawVersion = true
                if let s = scalar(value, "the version 1"), s.string != "1" {
                    bag.add(Diagnostic(.unsupportedVersion, "mapping version `\(s.string)` is not supported", at: s.span, help: "write `conform: 1`"))
                }
            case "format":
                if let s = scalar(value, "a log format") {
                    if let f = LogFormat(rawValue: s.string) { map.format = f } else {
                        bag.add(Diagnostic(.unknownKey, "`\(s.string)` is not a log format", at: s.span,
                                           help: "one of: " + LogFormat.allCases.map(\.rawValue).joined(separator: ", ")))
                    }
                }
            case "csv":
                guard case .mapping(let csv, _) = value else { wrong(value, "a mapping such as `{delimiter: \";\"}`"); continue }
                for (k, v) in csv {
                    guard k.string == "delimiter" else {
                        bag.add(Diagnostic(.unknownKey, "unknown key `\(k.string)` in `csv`", at: k.span, help: "the key is `delimiter`")); continue
                    }
                    if let s = scalar(v, "one character") {
                        let bytes = Array(s.string.utf8)
                        if bytes.count == 1, bytes[0] != 0x22, bytes[0] != 0x0A { map.csvDelimiter = bytes[0] } else {
                            bag.add(Diagnostic(.wrongYAMLType, "the delimiter must be one ASCII character other than a quote", at: s.span,
                                               help: "for example `delimiter: \";\"` or `delimiter: \"\\t\"`"))
                        }
                    }
                }
            case "case":
                switch value {
                case .scalar(let s) where s.isNull || s.string == "shared": map.caseNotion = .shared
                case .scalar(let s):
                    if let p = AttributePath(s.string) { map.caseNotion = .path(p) } else { badPath(s, &bag) }
                case .mapping(let m, _):
                    for (k, v) in m {
                        guard k.string == "object_type" else {
                            bag.add(Diagnostic(.unknownKey, "unknown key `\(k.string)` in `case`", at: k.span,
                                               help: "the key is `object_type` (an OCEL object type)")); continue
                        }
                        if let s = scalar(v, "an OCEL object type") { map.caseNotion = .objectType(s.string) }
                    }
                default: wrong(value, "an attribute path (`$.case_id`), `shared` or `{object_type: T}`")
                }
            case "event":
                if let s = scalar(value, "an attribute path such as `$.activity`") {
                    if let p = AttributePath(s.string) { map.eventPath = p } else { badPath(s, &bag) }
                }
            case "events":
                guard case .mapping(let list, _) = value else { wrong(value, "a mapping from event names to transitions"); continue }
                for (name, rule) in list {
                    if map.events[name.string] != nil {
                        bag.add(Diagnostic(.duplicateKey, "the event `\(name.string)` is mapped twice", at: name.span)); continue
                    }
                    if let r = eventRule(rule, name: name, &bag) { map.events[name.string] = r }
                }
            case "unmapped":
                if let s = scalar(value, "`deviation` or `ignore`") {
                    if let u = ConformanceMap.Unmapped(rawValue: s.string) { map.unmapped = u } else {
                        bag.add(Diagnostic(.wrongYAMLType, "`unmapped` is `deviation` or `ignore`, not `\(s.string)`", at: s.span))
                    }
                }
            case "silent":
                guard case .sequence(let items, _) = value else { wrong(value, "a list of transition names"); continue }
                for item in items { if let s = scalar(item, "a transition name") { map.silent.append((s.string, s.span)) } }
            case "silent_depth":
                if let s = scalar(value, "a whole number") {
                    if let n = Int(s.string), (0...64).contains(n) { map.silentDepth = n } else {
                        bag.add(Diagnostic(.badInteger, "`silent_depth` must be a whole number from 0 to 64", at: s.span))
                    }
                }
            case "final":
                guard case .mapping(let places, _) = value else { wrong(value, "a mapping from places to tokens, like `initial:`"); continue }
                var out: [ConformanceMap.FinalTokens] = []
                for (place, tokens) in places {
                    switch tokens {
                    case .scalar(let s) where s.resolved == .int:
                        if let n = Int(s.string), n >= 0 { out.append(.init(place: place.string, tokens: [("()", n)], span: place.span)) }
                        else { bag.add(Diagnostic(.badInteger, "a count of tokens must be a whole number ≥ 0", at: s.span)) }
                    case .sequence(let items, _):
                        var list: [(String, Int)] = []
                        for item in items { if let s = scalar(item, "a token") { list.append((s.string, 1)) } }
                        out.append(.init(place: place.string, tokens: list, span: place.span))
                    default: wrong(tokens, "a count (for a Unit place) or a list of tokens")
                    }
                }
                map.finalMarking = out
            default:
                bag.add(Diagnostic(.unknownKey, "unknown key `\(key.string)` in the mapping file", at: key.span,
                                   help: NameSuggestion.help(for: key.string, among: keys) ?? "the keys are: " + keys.joined(separator: ", ")))
            }
        }
        if !sawVersion {
            bag.add(Diagnostic(.missingKey, "the mapping file has no `conform:` version", at: SourceSpan(file: span.file, start: span.start),
                               help: "start with `conform: 1`"))
        }
        return bag.hasErrors ? .failure(MapDiagnostics(bag.sorted)) : .success(map)
    }

    private static func badPath(_ s: YAMLScalar, _ bag: inout DiagnosticBag) {
        bag.add(Diagnostic(.wrongYAMLType, "`\(s.string)` is not an attribute path", at: s.span,
                           help: "write `$.name`, `$.a.b` or `$['key.with.dots']`"))
    }

    private static func eventRule(_ node: YAMLNode, name: YAMLScalar, _ bag: inout DiagnosticBag) -> ConformanceMap.EventRule? {
        switch node {
        case .scalar(let s) where s.string == "ignore": return .ignore
        case .scalar(let s) where !s.isNull:
            return .transition(.init(transition: s.string, bindings: [], span: s.span))
        case .mapping(let members, _):
            var transition: YAMLScalar?
            var bindings: [ConformanceMap.VariableBinding] = []
            for (k, v) in members {
                switch k.string {
                case "transition":
                    if case .scalar(let s) = v, !s.isNull { transition = s } else {
                        bag.add(Diagnostic(.wrongYAMLType, "expected a transition name, found \(v.kindName)", at: v.span))
                    }
                case "bind":
                    guard case .mapping(let list, _) = v else {
                        bag.add(Diagnostic(.wrongYAMLType, "expected a mapping such as `{t.domain: $.host}`, found \(v.kindName)", at: v.span)); continue
                    }
                    for (target, source) in list {
                        let parts = target.string.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                        guard let variable = parts.first, !variable.isEmpty, !parts.contains("") else {
                            bag.add(Diagnostic(.invalidName, "`\(target.string)` is not a variable or a field of one", at: target.span,
                                               help: "write `t` or `t.domain`")); continue
                        }
                        guard case .scalar(let s) = source, !s.isNull else {
                            bag.add(Diagnostic(.wrongYAMLType, "expected an attribute path or a value, found \(source.kindName)", at: source.span)); continue
                        }
                        let from: ConformanceMap.VariableBinding.Source
                        if s.string.hasPrefix("$") {
                            guard let p = AttributePath(s.string) else { badPath(s, &bag); continue }
                            from = .attribute(p)
                        } else {
                            from = .literal(s.string)
                        }
                        bindings.append(.init(variable: variable, fields: Array(parts.dropFirst()), source: from, span: target.span))
                    }
                default:
                    bag.add(Diagnostic(.unknownKey, "unknown key `\(k.string)` in the rule for `\(name.string)`", at: k.span,
                                       help: "the keys are `transition` and `bind`"))
                }
            }
            guard let t = transition else {
                bag.add(Diagnostic(.missingKey, "the rule for `\(name.string)` names no `transition`", at: name.span,
                                   help: "add `transition: NAME`, or write `\(name.string): ignore`"))
                return nil
            }
            return .transition(.init(transition: t.string, bindings: bindings, span: t.span))
        default:
            bag.add(Diagnostic(.wrongYAMLType, "expected a transition name, `ignore` or `{transition: …, bind: …}`, found \(node.kindName)",
                               at: node.span))
            return nil
        }
    }
}

/// Every problem found in a mapping file (or in its names, against the net).
public struct MapDiagnostics: Error, Sendable {
    public var items: [Diagnostic]
    public init(_ items: [Diagnostic]) { self.items = items }
}
