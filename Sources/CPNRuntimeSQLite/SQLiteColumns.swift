import CPNRuntime
import GRDB

/// The columns of one row read with their types checked. SQLite lets any
/// column hold any type, and GRDB's `row["column"]` traps when the value does
/// not convert; this reads the raw value and turns a mismatch into a store
/// error that names the table, the row and the column (`StoreRowCheck`).
///
/// ```swift
/// let columns = SQLiteColumns(row, table: "cpn_tokens")
/// let readyAt = try columns.integer("ready_at")   // TEXT 'soon' → damaged store: table cpn_tokens, row id 7, column ready_at: …
/// ```
struct SQLiteColumns {
    let row: Row
    let table: String
    /// How messages name the row: `id 7`, or what identifies a grouped row.
    let name: String

    init(_ row: Row, table: String, name: String? = nil) {
        self.row = row
        self.table = table
        if let name {
            self.name = name
        } else if case .int64(let id) = (row["id"] as DatabaseValue? ?? .null).storage {
            self.name = "id \(id)"
        } else {
            self.name = "(no id)"
        }
    }

    private func value(_ column: String) -> DatabaseValue {
        row[column] as DatabaseValue? ?? .null
    }

    private func damaged(_ column: String, _ problem: String) -> StoreError {
        StoreRowCheck.damaged(table: table, row: name, column: column, problem)
    }

    private func found(_ v: DatabaseValue) -> String {
        switch v.storage {
        case .null: "NULL"
        case .int64(let i): "INTEGER \(i)"
        case .double(let d): "REAL \(d)"
        case .string(let s): "TEXT '\(s.prefix(40))'"
        case .blob(let b): "a BLOB of \(b.count) bytes"
        }
    }

    /// `label`: the table's column, when the query renamed it (`MAX(ready_at, ?) AS r`).
    func integer(_ column: String, as label: String? = nil) throws -> Int64 {
        let v = value(column)
        guard case .int64(let i) = v.storage else { throw damaged(label ?? column, "holds \(found(v)), where an integer belongs") }
        return i
    }

    func optionalInteger(_ column: String) throws -> Int64? {
        let v = value(column)
        if v.isNull { return nil }
        return try integer(column)
    }

    func int(_ column: String) throws -> Int {
        let i = try integer(column)
        guard let n = Int(exactly: i) else { throw damaged(column, "holds \(i), which does not fit") }
        return n
    }

    func text(_ column: String) throws -> String {
        let v = value(column)
        guard case .string(let s) = v.storage else { throw damaged(column, "holds \(found(v)), where text belongs") }
        return s
    }

    func optionalText(_ column: String) throws -> String? {
        let v = value(column)
        if v.isNull { return nil }
        return try text(column)
    }

    /// SQLite's booleans are the integers 0 and 1.
    func bool(_ column: String) throws -> Bool {
        let i = try integer(column)
        guard i == 0 || i == 1 else { throw damaged(column, "holds \(i), where a boolean (0 or 1) belongs") }
        return i == 1
    }
}
