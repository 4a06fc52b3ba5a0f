import CPNConformance
import CPNDiagnostics
import CPNLoad

/// What a front end does for `conform`: read the net (YAML or PNML), the
/// mapping (or none) and the log, replay, and hand back the result or why the
/// input is unusable, with nothing printed (the CLI prints; the MCP server
/// returns it).
///
/// ```swift
/// switch ConformanceRun.run(.init(net: "net.yaml", log: "run.jsonl")) {
/// case .done(let result): print(ConformanceTextReport().render(result))
/// default: ...
/// }
/// ```
public enum ConformanceRun {
    public struct Request: Sendable {
        public var net: String
        public var log: String
        public var map: String?
        public var format: LogFormat?
        public var options: ConformanceOptions

        public init(net: String, log: String, map: String? = nil, format: LogFormat? = nil, options: ConformanceOptions = ConformanceOptions()) {
            self.net = net
            self.log = log
            self.map = map
            self.format = format
            self.options = options
        }
    }

    public enum Outcome: Sendable {
        case invalidNet(LoadResult)
        /// The mapping file's diagnostics, and its text for the source lines.
        case invalidMap([Diagnostic], SourceFile?)
        case invalidLog(LogReadError)
        case done(ConformanceResult)
    }

    public static func run(_ request: Request) -> Outcome {
        let loaded = NetInput.load(path: request.net)
        guard let net = loaded.checked, !loaded.hasErrors else { return .invalidNet(loaded) }
        var map = ConformanceMap()
        var mapSource: SourceFile? = nil
        if let path = request.map {
            switch ConformanceMapLoader.load(path: path) {
            case .success(let (m, s)): map = m; mapSource = s
            case .failure(let d): return .invalidMap(d.items, nil)
            }
        }
        do {
            return .done(try ConformanceCheck.run(net: net, netFile: request.net, log: request.log, format: request.format,
                                                  map: map, options: request.options))
        } catch {
            switch error {
            case .mapping(let d): return .invalidMap(d, mapSource)
            case .log(let e): return .invalidLog(e)
            }
        }
    }
}
