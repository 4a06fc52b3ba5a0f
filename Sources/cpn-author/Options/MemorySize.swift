import ArgumentParser
import Foundation

/// A memory size on the command line: bytes, or a number with K, M or G (powers of 1024).
struct MemorySize: ExpressibleByArgument, Sendable {
    let bytes: Int

    init?(argument: String) {
        var text = argument.trimmingCharacters(in: .whitespaces).uppercased()
        if text.hasSuffix("B") { text.removeLast() }
        var shift = 0
        switch text.last {
        case "K": shift = 10
        case "M": shift = 20
        case "G": shift = 30
        default: break
        }
        if shift > 0 { text.removeLast() }
        guard let n = Int(text), n > 0, n <= Int.max >> shift else { return nil }
        bytes = n << shift
    }
}
