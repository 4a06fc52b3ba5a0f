#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPNDiagnostics

/// A file read front to back in fixed-size chunks, so memory does not grow
/// with the file: pipes and process substitutions (`<(cpn-author log export
/// ...)`) work too, since nothing seeks. Lines longer than `maximumLineBytes`
/// are refused (a log line is a record, not a document).
final class ChunkedFile {
    static let chunkBytes = 1 << 16
    static let maximumLineBytes = 1 << 20

    let path: String
    private let handle: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    /// The 1-based line number of the next line `nextLine` returns.
    private(set) var lineNumber = 1

    init(path: String) throws(LogReadError) {
        self.path = path
        // Opened non-blocking, its type checked, as every input (SECURITY.md): a FIFO
        // without a writer, a directory or a socket is refused instead of hanging.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            throw LogReadError(file: path, line: 1, "cannot open the log: \(String(cString: strerror(errno)))", recoverable: false)
        }
        var st = stat()
        let kind = fstat(fd, &st) == 0 ? st.st_mode & S_IFMT : 0
        guard kind == S_IFREG || kind == S_IFIFO || kind == S_IFCHR else {
            close(fd)
            let what = kind == S_IFDIR ? "a directory" : kind == S_IFSOCK ? "a socket" : kind == S_IFBLK ? "a block device" : "not a file"
            throw LogReadError(file: path, line: 1, "cannot read the log: it is \(what)", help: "give a log file, a pipe or `<(command)`",
                               recoverable: false)
        }
        if kind == S_IFIFO {
            // A pipe whose writer has not opened yet would read as empty: wait for it, bounded.
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&ready, 1, 60_000) == 0 {
                close(fd)
                throw LogReadError(file: path, line: 1, "the log is a pipe that gave nothing for 60 s", recoverable: false)
            }
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        guard let f = fdopen(fd, "rb") else {
            close(fd)
            throw LogReadError(file: path, line: 1, "cannot open the log: \(String(cString: strerror(errno)))", recoverable: false)
        }
        handle = f
    }

    deinit { fclose(handle) }

    /// Refills the buffer; false at the end of the file.
    private func fill() throws(LogReadError) -> Bool {
        if atEnd { return false }
        if position > 0 { buffer.removeFirst(position); position = 0 }
        var chunk = [UInt8](repeating: 0, count: Self.chunkBytes)
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, Self.chunkBytes, handle) }
        if n < Self.chunkBytes {
            if ferror(handle) != 0 {
                throw LogReadError(file: path, line: lineNumber, "cannot read the log: \(String(cString: strerror(errno)))", recoverable: false)
            }
            atEnd = true
        }
        buffer.append(contentsOf: chunk[0..<n])
        return n > 0
    }

    /// The next byte, or nil at the end (for the XML scanner).
    func nextByte() throws(LogReadError) -> UInt8? {
        if position == buffer.count { guard try fill() else { return nil } }
        if position == buffer.count { return nil }
        let b = buffer[position]
        position += 1
        if b == 0x0A { lineNumber += 1 }
        return b
    }

    /// The next line without its `\n` (and a `\r` before it), or nil at the end.
    /// The line's number is `lineNumber` before the call.
    func nextLine() throws(LogReadError) -> [UInt8]? {
        var scanned = position
        while true {
            if let nl = buffer[scanned...].firstIndex(of: 0x0A) {
                var end = nl
                if end > position, buffer[end - 1] == 0x0D { end -= 1 }
                let line = Array(buffer[position..<end])
                position = nl + 1
                lineNumber += 1
                return line
            }
            if buffer.count - position > Self.maximumLineBytes {
                throw LogReadError(file: path, line: lineNumber, "the line is longer than \(InputFile.formatBytes(Self.maximumLineBytes))",
                                   help: "a log line is one record; is this the right file?", recoverable: false)
            }
            let consumed = buffer.count - position
            guard try fill() else {
                if position == buffer.count { return nil }
                let line = Array(buffer[position...])
                position = buffer.count
                lineNumber += 1
                return line
            }
            scanned = position + consumed
        }
    }
}
