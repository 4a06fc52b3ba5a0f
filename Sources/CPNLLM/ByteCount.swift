import Foundation

/// A size in bytes as a person writes it: `1048576`, `512KiB`, `4MiB` (also
/// `K`, `KB`, `M`, `MB`, all binary multiples), for `--max-reply-size` and
/// `max_reply_size:` in the config file.
///
/// ```swift
/// ByteCount.parse("4MiB")   // 4194304
/// ByteCount.parse("12 kb")  // 12288
/// ```
public enum ByteCount {
    public static func parse(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = Int(digits) else { return nil }
        let unit = t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        let factor: Int
        switch unit {
        case "", "b": factor = 1
        case "k", "kb", "kib": factor = 1 << 10
        case "m", "mb", "mib": factor = 1 << 20
        case "g", "gb", "gib": factor = 1 << 30
        default: return nil
        }
        let (value, overflow) = n.multipliedReportingOverflow(by: factor)
        return overflow ? nil : value
    }
}
