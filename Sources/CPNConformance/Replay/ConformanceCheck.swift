import CPNDiagnostics
import CPNLoad
#if canImport(Glibc)
import Glibc
#endif

/// One replay, start to end: a checked net, a log file, a mapping (or none).
///
/// ```swift
/// let result = try ConformanceCheck.run(net: checked, netFile: "net.yaml", log: "run.jsonl", map: ConformanceMap())
/// print(result.fitness)   // 1.0 when every event fired as the net allows
/// ```
public enum ConformanceCheck {
    /// A mapping or a log that cannot be used: diagnostics (mapping) or a log error.
    public enum Failure: Error {
        case mapping([Diagnostic])
        case log(LogReadError)
    }

    public static func run(net: CheckedNet, netFile: String, log path: String, format: LogFormat? = nil, map: ConformanceMap,
                           options: ConformanceOptions = ConformanceOptions()) throws(Failure) -> ConformanceResult {
        let values = AttributeValues(symbols: net.symbols)
        let resolved: ResolvedMap
        switch ResolvedMap.resolve(map, net: net, values: values) {
        case .success(let r): resolved = r
        case .failure(let d): throw .mapping(d.items)
        }
        let chosen = format ?? map.format ?? LogFormat.guessed(from: path) ?? .jsonl
        let source: any LogEventSource
        do {
            switch chosen {
            case .jsonl: source = try JSONLinesLog(path: path)
            case .csv: source = try CSVLog(path: path, delimiter: map.csvDelimiter)
            case .xes: source = try XESLog(path: path)
            case .ocel:
                if case .objectType(let t) = map.caseNotion { source = try OCELLog(path: path, caseObjectType: t) }
                else { source = try OCELLog(path: path, caseObjectType: nil) }
            }
        } catch {
            throw .log(error)
        }
        var result = ConformanceResult(net: net.net.name, netFile: netFile, log: path, format: chosen, mapFile: map.file)
        result.minimumFitness = options.minimumFitness
        let replayer = Replayer(net: net, map: resolved, options: options)
        let started = monotonicSeconds()
        while true {
            let event: LogEvent?
            do {
                event = try source.next()
            } catch {
                guard error.recoverable, options.onBadLine == .skip else { throw .log(error) }
                result.skippedLineCount += 1
                if result.skippedLines.count < 100 { result.skippedLines.append(error.description) }
                continue
            }
            guard let event else { break }
            replayer.feed(event)
        }
        replayer.finishAll(into: &result)
        result.elapsedSeconds = monotonicSeconds() - started
        return result
    }

    /// `run`, with its failure as a value.
    public static func attempt(net: CheckedNet, netFile: String, log path: String, format: LogFormat? = nil, map: ConformanceMap,
                               options: ConformanceOptions = ConformanceOptions()) -> Result<ConformanceResult, Failure> {
        do { return .success(try run(net: net, netFile: netFile, log: path, format: format, map: map, options: options)) }
        catch { return .failure(error) }
    }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
