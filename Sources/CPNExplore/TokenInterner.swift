import CPNModel

/// Numbers the token values seen in one place: states store small integers,
/// not values. Append-only, so a number means the same value for the whole
/// exploration.
final class TokenInterner {
    private var ids: [Value: Int] = [:]
    private(set) var values: [Value] = []

    func id(of value: Value) -> Int {
        if let id = ids[value] { return id }
        let id = values.count
        values.append(value)
        ids[value] = id
        return id
    }

    func existingID(of value: Value) -> Int? { ids[value] }

    func value(_ id: Int) -> Value { values[id] }
}
