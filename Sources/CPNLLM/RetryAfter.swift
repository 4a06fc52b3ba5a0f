import Foundation

/// Reads how long a server asks the client to wait, from the response headers.
///
/// `retry-after-ms` (milliseconds, sent by some OpenAI-compatible servers) wins over
/// `Retry-After`, which is either delta-seconds (`120`) or an HTTP date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`, also the obsolete RFC 850 and asctime forms).
/// A date in the past means "now" (0 s).
public enum RetryAfter {
    public static func seconds(in headers: [HTTPHeader], now: Date = Date()) -> Double? {
        if let millis = headers.value(for: "retry-after-ms").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }),
           millis.isFinite, millis >= 0 {
            return millis / 1000
        }
        guard let value = headers.value(for: "retry-after") else { return nil }
        return seconds(from: value, now: now)
    }

    public static func seconds(from value: String, now: Date = Date()) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let delta = Double(text) {
            return delta.isFinite && delta >= 0 ? delta : nil
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                return max(0, date.timeIntervalSince(now))
            }
        }
        return nil
    }
}
