import CPNJSON
import Foundation
import Logging
import MCP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The stdio transport of `cpn-author mcp`: newline-delimited JSON-RPC on two
/// file descriptors, with a bound on the size of one message.
///
/// The SDK's `StdioTransport` reads 4 KiB at a time and searches its whole
/// pending buffer for a newline after every read, so one 50 MB message costs
/// hundreds of gigabytes of scanning, and a message without end grows memory
/// without limit. Here a reader thread does blocking reads of 64 KiB, searches
/// only the bytes it has not searched yet, and drops a message longer than
/// `maximumMessageBytes`, answering it with a JSON-RPC error (under the id read
/// from its first bytes) so the client is not left waiting and the server goes on.
public actor LineTransport: Transport {
    public nonisolated let logger: Logger
    /// Longest message accepted: above the 8 MiB net limit with room for JSON
    /// escaping, so an oversized net reaches the tool and gets its diagnostic.
    public static let defaultMaximumMessageBytes = 64 << 20

    private let input: Int32
    private let output: Int32
    private let maximumMessageBytes: Int
    private let stream: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    private var connected = false

    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO,
                maximumMessageBytes: Int = LineTransport.defaultMaximumMessageBytes, logger: Logger? = nil) {
        self.input = input
        self.output = output
        self.maximumMessageBytes = maximumMessageBytes
        self.logger = logger ?? Logger(label: "cpn-author.mcp.transport", factory: { _ in SwiftLogNoOpLogHandler() })
        (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
    }

    public func connect() async throws {
        guard !connected else { return }
        connected = true
        let reader = LineReader(fd: input, limit: maximumMessageBytes, continuation: continuation) { [weak self] prefix in
            Task { await self?.refuseOversized(prefix: prefix) }
        }
        let thread = Thread { reader.run() }
        thread.name = "mcp-stdin"
        thread.start()
    }

    public func disconnect() async {
        guard connected else { return }
        connected = false
        continuation.finish()
    }

    public func send(_ data: Data) async throws {
        var message = data
        message.append(UInt8(ascii: "\n"))
        try message.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(output, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
                }
                offset += n
            }
        }
    }

    public func receive() -> AsyncThrowingStream<Data, Swift.Error> { stream }

    /// Answers a dropped message when its id can be read from its first bytes.
    private func refuseOversized(prefix: Data) async {
        guard let id = Self.requestID(in: prefix) else {
            logger.warning("dropped a message larger than \(maximumMessageBytes) bytes (no id in its first bytes)")
            return
        }
        let error = JSONValue.members(
            ("jsonrpc", "2.0"), ("id", id),
            ("error", .members(("code", .int(-32600)),
                               ("message", .string("request larger than \(maximumMessageBytes >> 20) MiB; pass the net by path instead")))))
        try? await send(Data(error.rendered.utf8))
    }

    /// The `"id"` of a JSON-RPC message cut short: a number or a string after
    /// the first `"id"` key. Clients write `jsonrpc`, `id`, `method` first.
    static func requestID(in prefix: Data) -> JSONValue? {
        let text = String(decoding: prefix.prefix(4096), as: UTF8.self)
        guard let key = text.range(of: "\"id\"") else { return nil }
        var rest = text[key.upperBound...].drop(while: { $0 == " " || $0 == "\t" })
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop(while: { $0 == " " || $0 == "\t" })
        if rest.first == "\"" {
            let body = rest.dropFirst()
            guard let end = body.firstIndex(of: "\""), !body[..<end].contains("\\") else { return nil }
            return .string(String(body[..<end]))
        }
        let digits = rest.prefix(while: { $0 == "-" || $0.isNumber })
        return Int(digits).map(JSONValue.int)
    }
}

/// Blocking reads on a thread of its own (never a thread of Swift's
/// cooperative pool), split at newlines.
private final class LineReader: @unchecked Sendable {
    let fd: Int32
    let limit: Int
    let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    let oversized: @Sendable (Data) -> Void

    init(fd: Int32, limit: Int, continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation,
         oversized: @escaping @Sendable (Data) -> Void) {
        self.fd = fd
        self.limit = limit
        self.continuation = continuation
        self.oversized = oversized
    }

    func run() {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var pending = Data()
        // While dropping an oversized message: its first bytes, for its id.
        var dropping: Data?
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                break
            }
            if n == 0 { break }
            var start = 0
            while start < n {
                let chunk = buffer[start..<n]
                guard let newline = chunk.firstIndex(of: UInt8(ascii: "\n")) else {
                    if dropping != nil {
                        // Still inside the oversized message: discard.
                    } else if pending.count + chunk.count > limit {
                        dropping = pending.prefix(4096) + chunk.prefix(4096)
                        pending = Data()
                    } else {
                        pending.append(contentsOf: chunk)
                    }
                    break
                }
                if let prefix = dropping {
                    oversized(prefix)
                    dropping = nil
                } else if pending.count + (newline - start) > limit {
                    oversized(pending.prefix(4096) + buffer[start..<newline].prefix(4096))
                    pending = Data()
                } else {
                    pending.append(contentsOf: buffer[start..<newline])
                    if !pending.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) {
                        continuation.yield(pending)
                    }
                    pending = Data()
                }
                start = newline + 1
            }
        }
        continuation.finish()
    }
}
