import Foundation
import CPNJSON

/// What a handler command prints on stdout to choose its outcome:
///
/// - a JSON object `{"transition": "fetch_ok"}` or `{"transition": ["fetch_failed", "give_up"]}`;
/// - a JSON array of names `["fetch_failed", "give_up"]`;
/// - or plain names separated by spaces or lines: `fetch_failed give_up`.
///
/// Several names are preferences, best first: the first that is enabled
/// fires (`fetch_failed give_up` retries while retries are left, then gives up).
/// Nothing at all is accepted when the handler has one outcome.
public enum HandlerAnswer {
    public static func parse(_ output: String, handler: Handler) -> Result<[String], HandlerFailure> {
        let trimmed = output.trimmingCharacters(in: .whitespacesAndNewlines)
        func fail(_ message: String) -> Result<[String], HandlerFailure> { .failure(HandlerFailure(handler: handler.name, message: message)) }
        if trimmed.isEmpty {
            return handler.transitions.count == 1 ? .success(handler.transitions) :
                fail("printed no outcome; print one of \(handler.transitions.joined(separator: ", ")) (or {\"transition\": \"…\"})")
        }
        var names: [String] = []
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            guard let json = JSONValue.parse(trimmed) else { return fail("printed invalid JSON: \(trimmed.prefix(200))") }
            let choice = trimmed.hasPrefix("{") ? json["transition"] : json
            switch choice {
            case .string(let s)?: names = [s]
            case .array(let items)?:
                for item in items {
                    guard let s = item.string else { return fail("printed a list with a non-name in it: \(item.rendered.prefix(100))") }
                    names.append(s)
                }
            default: return fail("printed JSON without a \"transition\" name or list: \(trimmed.prefix(200))")
            }
        } else {
            names = trimmed.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "," || $0 == "\r" }).map(String.init)
        }
        guard !names.isEmpty else { return fail("printed an empty choice") }
        if let unknown = names.first(where: { !handler.transitions.contains($0) }) {
            return fail("printed `\(unknown.prefix(100))`, which is not one of its outcomes (\(handler.transitions.joined(separator: ", ")))")
        }
        return .success(names)
    }
}
