import CPNRuntime
import PostgresNIO

/// Decoding a row with the failing column named. PostgreSQL's columns are
/// typed, so a wrong type means the tables were altered by hand; postgres-nio
/// then throws a decoding error with the column, which becomes a store error
/// that names the table, the row and the column (`StoreRowCheck`), as for SQLite.
///
/// ```swift
/// let (id, place) = try PostgresColumns.decode(row, table: "cpn_tokens") { try $0.decode((Int64, String).self) }
/// ```
enum PostgresColumns {
    static func decode<T>(_ row: PostgresRow, table: String, name: String? = nil, _ body: (PostgresRow) throws -> T) throws -> T {
        do {
            return try body(row)
        } catch let e as PostgresDecodingError {
            let problem = e.code == .missingData
                ? "is NULL, where \(typeName(e.targetType)) belongs"
                : "holds \(e.postgresType), where \(typeName(e.targetType)) belongs"
            throw StoreRowCheck.damaged(table: table, row: name ?? rowName(row), column: e.columnName, problem)
        }
    }

    /// `id 7` when the row has an id that decodes.
    static func rowName(_ row: PostgresRow) -> String {
        let cells = row.makeRandomAccess()
        guard cells.contains("id"), let id = try? cells["id"].decode(Int64.self) else { return "(no id)" }
        return "id \(id)"
    }

    static func typeName(_ type: Any.Type) -> String {
        let name = "\(type)"
        if name.contains("Int") { return "an integer" }
        if name.contains("String") { return "text" }
        if name.contains("Bool") { return "a boolean" }
        return name
    }
}
