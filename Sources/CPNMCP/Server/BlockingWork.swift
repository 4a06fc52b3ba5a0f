import Foundation

/// Runs the checker's synchronous work (exploration, simulation, drafting) on
/// a thread of its own, so Swift's cooperative pool (two threads on a two-core
/// machine) stays free to read requests and cancellations. Cancelling the
/// calling task sets the flag the work polls.
enum BlockingWork {
    static func run<T: Sendable>(_ work: @escaping @Sendable (CancelFlag) -> T) async -> T {
        let flag = CancelFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
                let thread = Thread {
                    continuation.resume(returning: work(flag))
                }
                thread.name = "cpn-author-tool"
                thread.stackSize = 16 << 20  // the checker recurses on expression trees
                thread.start()
            }
        } onCancel: {
            flag.cancel()
        }
    }
}

/// Set once, read from any thread.
final class CancelFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    func cancel() { lock.withLock { cancelled = true } }
    var isCancelled: Bool { lock.withLock { cancelled } }
}

/// At most `limit` tools run their heavy work at once; the others wait their
/// turn (a client can send many calls at once; each exploration may take a
/// core and gigabytes). A call cancelled while waiting leaves the queue.
actor WorkSlots {
    private let limit: Int
    private var running = 0
    private var waiting: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextID: UInt64 = 0

    init(limit: Int) { self.limit = max(1, limit) }

    /// Runs `body` in a slot; nil when cancelled before a slot was free.
    func withSlot<T: Sendable>(_ body: @Sendable () async -> T) async -> T? {
        guard await acquire() else { return nil }
        defer { release() }
        return await body()
    }

    private func acquire() async -> Bool {
        if running < limit { running += 1; return true }
        nextID += 1
        let id = nextID
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled { continuation.resume(returning: false) } else { waiting.append((id, continuation)) }
            }
        } onCancel: {
            Task { await self.abandon(id) }
        }
    }

    private func abandon(_ id: UInt64) {
        if let i = waiting.firstIndex(where: { $0.id == id }) { waiting.remove(at: i).continuation.resume(returning: false) }
    }

    private func release() {
        if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().continuation.resume(returning: true) }
    }
}
