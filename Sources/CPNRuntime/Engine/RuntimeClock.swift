#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The wall clock in microseconds since 1970, and sleeping, for stores and
/// workers that keep time themselves (SQLite; PostgreSQL asks the server).
public enum RuntimeClock {
    public static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1_000
    }

    /// Time elapsed on a clock that never jumps, for measuring durations.
    public static func monotonic() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1_000
    }

    public static func sleep(micros: Int64) {
        guard micros > 0 else { return }
        var request = timespec(tv_sec: Int(micros / 1_000_000), tv_nsec: Int(micros % 1_000_000) * 1_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}

/// Durations as people write them on a command line or in a handlers file:
/// `250ms`, `5s`, `1.5s`, `2m`, `1h`; a bare number is seconds.
public enum RuntimeDuration {
    /// Microseconds, or nil when `text` is not a duration (or is negative).
    public static func parse(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: " ")
        let units: [(String, Double)] = [("ms", 1_000), ("us", 1), ("s", 1_000_000), ("m", 60_000_000), ("h", 3_600_000_000)]
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            guard let n = Double(t.dropLast(suffix.count)), n >= 0, n * scale < 9e15 else { return nil }
            return Int64((n * scale).rounded())
        }
        guard let n = Double(t), n >= 0, n < 9e9 else { return nil }
        return Int64((n * 1_000_000).rounded())
    }

    /// `1.5s`, `250ms`, `2m 5s`.
    public static func format(micros: Int64) -> String {
        if micros < 1_000 { return "\(micros)µs" }
        if micros < 1_000_000 { return trim(Double(micros) / 1_000) + "ms" }
        if micros < 60_000_000 { return trim(Double(micros) / 1_000_000) + "s" }
        let s = micros / 1_000_000
        if s < 3600 { return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m \(s % 60)s" }
        return (s % 3600) / 60 == 0 ? "\(s / 3600)h" : "\(s / 3600)h \((s % 3600) / 60)m"
    }

    private static func trim(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}

private extension String {
    func trimmingCharacters(in c: Character) -> Substring {
        var s = Substring(self)
        while s.first == c { s.removeFirst() }
        while s.last == c { s.removeLast() }
        return s
    }
}
