import Foundation

/// The resident memory of this process, read from the kernel: what the
/// memory bound compares against, since the state store is not the only
/// thing that grows (edge lists, a marking's bindings, a fat expression).
enum ResidentMemory {
    /// Bytes resident now, or nil where the system does not say (not Linux).
    static func bytes() -> Int? {
        #if os(Linux)
        // /proc/self/statm: "size resident shared ..." in pages. One read(2);
        // called every few thousand units of work, so its cost does not show.
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 127) }
        guard n > 0 else { return nil }
        let fields = buffer[0..<n].split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
        return nil
        #endif
    }
}
