import CPNJSON
/// The JSON texts the event table keeps in its `binding`, `consumed` and
/// `produced` columns, shared by every store so the log reads the same
/// from SQLite and PostgreSQL.
///
/// ```json
/// binding:  [{"variable":"p","value":"p1"}]
/// consumed: [{"id":41,"place":"proxies","token":"p1"}]
/// produced: [{"id":57,"place":"domain_free","token":"shop","ready_at":1767225600250000}]
/// ```
public enum EventColumns {
    public static func encode(_ binding: [BoundVariable]) -> String {
        JSONValue.array(binding.map { .object([("variable", .string($0.name)), ("value", .string($0.value))]) }).rendered
    }

    public static func encode(_ refs: [TokenRef]) -> String {
        JSONValue.array(refs.map { r in
            var members: [(String, JSONValue)] = [("id", .int(Int(r.id))), ("place", .string(r.place)), ("token", .string(r.value))]
            if let ready = r.readyAt { members.append(("ready_at", .int(Int(ready)))) }
            return .object(members)
        }).rendered
    }

    public static func decodeBinding(_ text: String) throws -> [BoundVariable] {
        guard let items = JSONValue.parse(text)?.array else { throw StoreError("the event log holds a binding that is not JSON: \(text.prefix(80))") }
        return try items.map { item in
            guard let n = item["variable"]?.string, let v = item["value"]?.string else {
                throw StoreError("the event log holds a binding entry without variable and value: \(item.rendered.prefix(80))")
            }
            return BoundVariable(name: n, value: v)
        }
    }

    public static func decodeRefs(_ text: String) throws -> [TokenRef] {
        guard let items = JSONValue.parse(text)?.array else { throw StoreError("the event log holds a token list that is not JSON: \(text.prefix(80))") }
        return try items.map { item in
            guard let id = item["id"]?.int, let p = item["place"]?.string, let v = item["token"]?.string else {
                throw StoreError("the event log holds a token entry without id, place and token: \(item.rendered.prefix(80))")
            }
            return TokenRef(id: Int64(id), place: p, value: v, readyAt: item["ready_at"]?.int.map(Int64.init))
        }
    }
}
