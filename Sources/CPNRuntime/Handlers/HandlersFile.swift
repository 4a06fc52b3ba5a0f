import CPNDiagnostics
import CPNLoad
import Foundation

/// The handlers file of `cpn-author run --handlers FILE`: which transitions
/// are the outcomes of which work, and the command that does it.
///
/// ```yaml
/// handlers:
///   fetch:                                         # a name, for logs and errors
///     transitions: [fetch_ok, fetch_failed, give_up] # the outcomes, in order of preference
///     command: ./fetch.sh                          # /bin/sh -c, in this file's directory
///     timeout: 10s                                 # default 60s
///     lease: 40s                                   # default timeout + 30s
/// automatic: [start_fetch, start_parse, end_parse]  # bookkeeping the engine fires itself
/// ```
///
/// Every transition the runtime fires (not `kind: fault` or `environment`)
/// must be the outcome of a handler or listed under `automatic:`: a forgotten
/// binding would otherwise fire `fetch_ok` with no fetch done. Problems are
/// diagnostics with the line and column, like a net's.
public enum HandlersFile {
    public struct Loaded: Sendable {
        public var source: SourceFile?
        public var handlers: [Handler]
        public var diagnostics: [Diagnostic]
    }

    public static func load(path: String, net: RuntimeNet) -> Loaded {
        switch SourceReader.read(path: path) {
        case .failure(let d): return Loaded(source: nil, handlers: [], diagnostics: [d])
        case .success(let source):
            let directory = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
            return parse(source, directory: directory, net: net)
        }
    }

    public static func parse(_ source: SourceFile, directory: String?, net: RuntimeNet) -> Loaded {
        var diagnostics: [Diagnostic] = []
        func fail() -> Loaded { Loaded(source: source, handlers: [], diagnostics: diagnostics) }
        let root: YAMLNode
        switch YAMLComposer.compose(source) {
        case .failure(let d): return Loaded(source: source, handlers: [], diagnostics: [d])
        case .success(let r): root = r
        }
        guard case .mapping(let top, let topSpan) = root else {
            diagnostics.append(Diagnostic(.notAMapping, "a handlers file is a mapping with a `handlers:` key, found \(root.kindName)", at: root.span,
                                          help: "start with `handlers:` and one entry per piece of work"))
            return fail()
        }
        var entries: [(key: YAMLScalar, value: YAMLNode)] = []
        var sawHandlers = false
        var automaticNode: YAMLNode?
        for (key, value) in top {
            if key.string == "automatic" { automaticNode = value; continue }
            guard key.string == "handlers" else {
                diagnostics.append(unknownKey(key, among: ["handlers", "automatic"]))
                continue
            }
            sawHandlers = true
            guard case .mapping(let items, _) = value else {
                diagnostics.append(Diagnostic(.wrongYAMLType, "`handlers` must be a mapping from names to handlers, found \(value.kindName)", at: value.span))
                continue
            }
            entries = items
        }
        if !sawHandlers {
            diagnostics.append(Diagnostic(.missingKey, "the handlers file has no `handlers:` key", at: topSpan,
                                          help: "write `handlers:` with one entry per piece of work"))
        }
        var handlers: [Handler] = []
        var owner: [String: String] = [:]
        let transitionNames = net.checked.transitions.map(\.name)
        for (nameKey, body) in entries {
            guard case .mapping(let fields, let span) = body else {
                diagnostics.append(Diagnostic(.wrongYAMLType, "handler `\(nameKey.string)` must be a mapping with `transitions` and `command`, found \(body.kindName)", at: body.span))
                continue
            }
            var transitions: [String] = []
            var command: String? = nil
            var timeout = 60.0
            var lease: Double? = nil
            var ok = true
            for (key, value) in fields {
                switch key.string {
                case "transitions":
                    let items: [YAMLNode]
                    if case .sequence(let list, _) = value { items = list } else { items = [value] }
                    for item in items {
                        guard case .scalar(let s) = item, s.resolved == .string, !s.string.isEmpty else {
                            diagnostics.append(Diagnostic(.wrongYAMLType, "a transition name is expected here, found \(item.kindName)", at: item.span))
                            ok = false
                            continue
                        }
                        guard net.transitionIndex(s.string) != nil else {
                            diagnostics.append(Diagnostic(.unknownName, "net `\(net.name)` has no transition `\(s.string)`", at: s.span,
                                                          help: NameSuggestion.help(for: s.string, among: transitionNames)))
                            ok = false
                            continue
                        }
                        if let other = owner[s.string] {
                            diagnostics.append(Diagnostic(.nameClash, "transition `\(s.string)` already belongs to handler `\(other)`", at: s.span,
                                                          help: "one transition is the outcome of one piece of work"))
                            ok = false
                            continue
                        }
                        owner[s.string] = nameKey.string
                        transitions.append(s.string)
                    }
                case "command":
                    guard case .scalar(let s) = value, s.resolved != .null, !s.string.trimmingCharacters(in: .whitespaces).isEmpty else {
                        diagnostics.append(Diagnostic(.wrongYAMLType, "`command` must be a shell command, found \(value.kindName)", at: value.span))
                        ok = false
                        continue
                    }
                    command = s.string
                case "timeout", "lease":
                    guard case .scalar(let s) = value, let micros = RuntimeDuration.parse(s.string), micros > 0 else {
                        let found: String
                        if case .scalar(let s) = value { found = "`\(s.string)`" } else { found = value.kindName }
                        diagnostics.append(Diagnostic(.wrongYAMLType, "`\(key.string)` must be a positive duration like `10s` or `500ms`, found \(found)", at: value.span))
                        ok = false
                        continue
                    }
                    if key.string == "timeout" { timeout = Double(micros) / 1e6 } else { lease = Double(micros) / 1e6 }
                default:
                    diagnostics.append(unknownKey(key, among: ["transitions", "command", "timeout", "lease"]))
                    ok = false
                }
            }
            if transitions.isEmpty && ok {
                diagnostics.append(Diagnostic(.missingKey, "handler `\(nameKey.string)` has no `transitions`", at: span,
                                              help: "list the transitions this work chooses between: `transitions: [fetch_ok, fetch_failed]`"))
                ok = false
            }
            if command == nil && ok {
                diagnostics.append(Diagnostic(.missingKey, "handler `\(nameKey.string)` has no `command`", at: span,
                                              help: "give the shell command that does the work: `command: ./fetch.sh`"))
                ok = false
            }
            if let lease, lease <= timeout {
                diagnostics.append(Diagnostic(.wrongYAMLType, "handler `\(nameKey.string)`: the lease must be longer than the timeout (\(timeout)s)", at: span,
                                              help: "a lease shorter than the work would let another worker take the tokens while it runs"))
                ok = false
            }
            guard ok, let command else { continue }
            let handler = Handler(name: nameKey.string, transitions: transitions, timeout: timeout, lease: lease,
                                  work: .command(command, directory: directory))
            do {
                _ = try HandlerValidation.index([handler], net: net)
                handlers.append(handler)
            } catch let e as RuntimeError {
                diagnostics.append(Diagnostic(.typeMismatch, e.message, at: nameKey.span, help: e.details.last.map { $0.replacingOccurrences(of: "help: ", with: "") }))
            } catch {
                diagnostics.append(Diagnostic(.typeMismatch, "\(error)", at: nameKey.span))
            }
        }
        diagnostics += automaticTransitions(automaticNode, handled: Set(owner.keys), net: net, fileSpan: topSpan)
        return Loaded(source: source, handlers: diagnostics.isEmpty ? handlers : [], diagnostics: diagnostics)
    }

    /// Checks `automatic:` and that every transition the runtime fires is
    /// either handled or listed there.
    private static func automaticTransitions(_ node: YAMLNode?, handled: Set<String>, net: RuntimeNet, fileSpan: SourceSpan) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var listed = Set<String>()
        let names = net.checked.transitions.map(\.name)
        if let node {
            let items: [YAMLNode]
            if case .sequence(let list, _) = node { items = list } else { items = [node] }
            for item in items {
                guard case .scalar(let s) = item, s.resolved == .string, !s.string.isEmpty else {
                    diagnostics.append(Diagnostic(.wrongYAMLType, "`automatic` lists transition names, found \(item.kindName)", at: item.span))
                    continue
                }
                guard let i = net.transitionIndex(s.string) else {
                    diagnostics.append(Diagnostic(.unknownName, "net `\(net.name)` has no transition `\(s.string)`", at: s.span,
                                                  help: NameSuggestion.help(for: s.string, among: names)))
                    continue
                }
                let kind = net.checked.transitions[i].kind
                if !kind.firedByRuntime {
                    diagnostics.append(Diagnostic(.nameClash, "transition `\(s.string)` is a `\(kind.rawValue)` transition: the runtime never fires it on its own", at: s.span,
                                                  help: "remove it from `automatic`; `cpn-author inject \(s.string)` fires it, or bind it to a handler"))
                } else if handled.contains(s.string) {
                    diagnostics.append(Diagnostic(.nameClash, "transition `\(s.string)` is both handled and listed under `automatic`", at: s.span,
                                                  help: "a handled transition fires when its work answers it; remove it from `automatic`"))
                }
                listed.insert(s.string)
            }
        }
        let unbound = net.checked.transitions.filter { $0.kind.firedByRuntime && !handled.contains($0.name) && !listed.contains($0.name) }.map(\.name)
        if !unbound.isEmpty {
            let list = unbound.map { "`\($0)`" }.joined(separator: ", ")
            diagnostics.append(Diagnostic(.missingKey, "transition\(unbound.count == 1 ? "" : "s") \(list) \(unbound.count == 1 ? "has" : "have") no handler and \(unbound.count == 1 ? "is" : "are") not listed under `automatic`",
                                          at: node?.span ?? fileSpan,
                                          help: "bind \(unbound.count == 1 ? "it" : "each") to a handler's `transitions`, list bookkeeping the engine may fire itself as `automatic: [\(unbound.joined(separator: ", "))]`, or mark a failure `kind: fault` in the net"))
        }
        return diagnostics
    }

    private static func unknownKey(_ key: YAMLScalar, among keys: [String]) -> Diagnostic {
        Diagnostic(.unknownKey, "unknown key `\(key.string)`", at: key.span,
                   help: NameSuggestion.help(for: key.string, among: keys) ?? "keys here: " + keys.joined(separator: ", "))
    }
}
