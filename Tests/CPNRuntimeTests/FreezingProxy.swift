import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP proxy on 127.0.0.1 that forwards to a local port until `freeze()`, then keeps
/// every socket open and forwards nothing either way: what a client sees of a partitioned
/// network or a frozen host (no FIN, no RST, no answer). Its kernel still acknowledges
/// the bytes sent to it, so the client cannot tell the silence from a slow server.
///
/// Plain sockets and threads: the test target does not depend on SwiftNIO, and each
/// thread polls with a short timeout so that `stop()` ends them without closing a
/// descriptor that another thread is still using.
final class FreezingProxy: @unchecked Sendable {
    let port: Int
    private let upstreamPort: Int
    private let listener: Int32
    private let lock = NSLock()
    private var frozen = false
    private var stopped = false
    private var sockets: [Int32] = []
    private let threads = DispatchGroup()

    init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        let fd = socket(AF_INET, Self.stream, 0)
        guard fd >= 0 else { throw ProxyError("socket: errno \(errno)") }
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { a in
                bind(fd, a, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, a, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw ProxyError("cannot listen on 127.0.0.1: errno \(errno)")
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        spawn { self.acceptLoop() }
    }

    /// From now on nothing is forwarded; bytes already received stay unread.
    func freeze() { lock.withLock { frozen = true } }

    /// Ends the threads, then closes every socket (which the peers see as a close).
    func stop() {
        lock.withLock { stopped = true }
        _ = threads.wait(timeout: .now() + 10)
        for fd in lock.withLock({ sockets }) { close(fd) }
        close(listener)
    }

    private var isStopped: Bool { lock.withLock { stopped } }
    private var isFrozen: Bool { lock.withLock { frozen } }

    private func spawn(_ body: @escaping @Sendable () -> Void) {
        threads.enter()
        Thread {
            body()
            self.threads.leave()
        }.start()
    }

    /// Whether `fd` has something to read within 50 ms (or an error to report by reading).
    private static func readable(_ fd: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 50) > 0
    }

    private func acceptLoop() {
        while !isStopped {
            guard Self.readable(listener) else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            let server = socket(AF_INET, Self.stream, 0)
            var address = Self.loopback(port: upstreamPort)
            let connected = server >= 0 && withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            lock.withLock { sockets += server >= 0 ? [client, server] : [client] }
            #if canImport(Darwin)
            // No MSG_NOSIGNAL there: a write to a peer that closed must fail, not raise SIGPIPE.
            var on: Int32 = 1
            for fd in [client, server] where fd >= 0 { setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size)) }
            #endif
            // A refused upstream: the client sees its connection closed, as without a proxy.
            guard connected else { shutdown(client, Int32(SHUT_RDWR)); continue }
            spawn { self.pump(from: client, to: server) }
            spawn { self.pump(from: server, to: client) }
        }
    }

    private func pump(from source: Int32, to target: Int32) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while !isStopped {
            if isFrozen { usleep(20_000); continue }
            // Checked again after the wait: a freeze that came during it wins over the bytes.
            guard Self.readable(source), !isFrozen else { continue }
            let n = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                // The peer closed its side: pass the close on.
                shutdown(target, Int32(SHUT_WR))
                return
            }
            var sent = 0
            while sent < n {
                let w = buffer.withUnsafeBytes { send(target, $0.baseAddress.map { $0 + sent }, n - sent, Self.noSignal) }
                if w < 0 && errno == EINTR { continue }
                guard w > 0 else { shutdown(source, Int32(SHUT_RD)); return }
                sent += w
            }
        }
    }

    #if canImport(Glibc)
    private static let stream = Int32(SOCK_STREAM.rawValue)
    /// A write to a peer that closed must fail, not raise SIGPIPE in the test process.
    private static let noSignal = Int32(MSG_NOSIGNAL)
    #else
    private static let stream = SOCK_STREAM
    private static let noSignal: Int32 = 0
    #endif

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    struct ProxyError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
