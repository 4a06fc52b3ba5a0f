import Dispatch
import Foundation

/// Runs a job per input on up to `ProcessInfo.activeProcessorCount` threads and
/// hands the results over in input order, each as soon as it and every result
/// before it are done — so a report can stream while later nets still run.
///
/// ```swift
/// let reports = OrderedParallelMap.run(paths, work: verify) { index, report in print(render(report)) }
/// ```
public enum OrderedParallelMap {
    public static func run<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], work: @escaping @Sendable (Input) -> Output,
        deliver: (Int, Output) -> Void
    ) -> [Output] {
        let state = State<Output>(count: inputs.count)
        let width = max(1, min(ProcessInfo.processInfo.activeProcessorCount, inputs.count))
        let group = DispatchGroup()
        let queue = DispatchQueue(label: "cpn-author.parallel", attributes: .concurrent)
        let next = Counter()
        for _ in 0..<width {
            queue.async(group: group) {
                while let i = next.take(below: inputs.count) {
                    state.store(work(inputs[i]), at: i)
                }
            }
        }
        // Deliver on the calling thread, in order, as results arrive.
        var delivered = 0
        while delivered < inputs.count {
            let output = state.wait(for: delivered)
            deliver(delivered, output)
            delivered += 1
        }
        group.wait()
        return state.all()
    }

    /// Hands out indexes 0, 1, 2, ... to the worker threads.
    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func take(below limit: Int) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard value < limit else { return nil }
            value += 1
            return value - 1
        }
    }

    /// The results so far; the delivering thread waits on the condition for the next one.
    private final class State<Output>: @unchecked Sendable {
        private let condition = NSCondition()
        private var results: [Output?]

        init(count: Int) { results = Array(repeating: nil, count: count) }

        func store(_ output: Output, at index: Int) {
            condition.lock()
            results[index] = output
            condition.broadcast()
            condition.unlock()
        }

        func wait(for index: Int) -> Output {
            condition.lock(); defer { condition.unlock() }
            while results[index] == nil { condition.wait() }
            return results[index]!
        }

        func all() -> [Output] {
            condition.lock(); defer { condition.unlock() }
            return results.map { $0! }
        }
    }
}
