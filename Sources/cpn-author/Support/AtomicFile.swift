import Foundation

/// Writes a file so that readers see the old content or the new, never half
/// of it: write a temporary file beside it, then rename it into place.
enum AtomicFile {
    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw ValidationFailure("cannot write \(path): \(reason)")
            }
        } catch let e as ValidationFailure {
            throw e
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ValidationFailure("cannot write \(path): \(error.localizedDescription)")
        }
    }
}

/// An error whose message is the whole story (printed as `Error: message`).
struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
