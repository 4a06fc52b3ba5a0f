/// A lasso in the explored state graph: a path from a state into a bottom
/// strongly connected component (one no edge leaves), and a cycle inside it.
/// It is the counterexample of a liveness property: the run can take the
/// stem, then go round the cycle forever.
struct Lasso {
    /// States from the start state to the first state of the cycle.
    var stem: [Int]
    /// States of the cycle after its first one, ending with it again.
    var cycle: [Int]

    /// Out-edges of every state, in compressed sparse rows.
    struct Graph {
        let start: [Int]
        let successors: [UInt32]

        init(states: Int, from: [UInt32], to: [UInt32]) {
            var start = [Int](repeating: 0, count: states + 1)
            for f in from { start[Int(f) + 1] += 1 }
            for i in 0..<states { start[i + 1] += start[i] }
            var fill = start
            var successors = [UInt32](repeating: 0, count: to.count)
            for (f, t) in zip(from, to) {
                successors[fill[Int(f)]] = t
                fill[Int(f)] += 1
            }
            self.start = start
            self.successors = successors
        }

        func out(_ s: Int) -> ArraySlice<UInt32> { successors[start[s]..<start[s + 1]] }
    }

    /// Bottom SCCs reachable from `origin` (Tarjan's algorithm, iterative, on
    /// the states reachable from it): each as a sorted list of states.
    static func bottomComponents(from origin: Int, in graph: Graph) -> [[Int]] {
        var index: [Int: Int] = [:], low: [Int: Int] = [:]
        var onStack: Set<Int> = [], stack: [Int] = []
        var components: [[Int]] = []
        var counter = 0
        // Frames of the depth-first search: a state and the next edge to try.
        var frames: [(state: Int, edge: Int)] = [(origin, graph.start[origin])]
        index[origin] = 0; low[origin] = 0; counter = 1
        stack.append(origin); onStack.insert(origin)
        while let (s, e) = frames.last {
            if e < graph.start[s + 1] {
                frames[frames.count - 1].edge += 1
                let t = Int(graph.successors[e])
                if index[t] == nil {
                    index[t] = counter; low[t] = counter; counter += 1
                    stack.append(t); onStack.insert(t)
                    frames.append((t, graph.start[t]))
                } else if onStack.contains(t) {
                    low[s] = min(low[s]!, index[t]!)
                }
                continue
            }
            frames.removeLast()
            if let parent = frames.last { low[parent.state] = min(low[parent.state]!, low[s]!) }
            if low[s] == index[s] {
                var component: [Int] = []
                while let top = stack.popLast() {
                    onStack.remove(top)
                    component.append(top)
                    if top == s { break }
                }
                let members = Set(component)
                let closed = component.allSatisfy { c in graph.out(c).allSatisfy { members.contains(Int($0)) } }
                if closed { components.append(component.sorted()) }
            }
        }
        return components
    }

    /// The lasso from `origin` into its nearest bottom SCC that `accept`s
    /// (every state of it, for instance, avoids what should happen); nil when
    /// there is none, or when the SCC has no cycle (a single dead state).
    static func find(from origin: Int, in graph: Graph, accept: ([Int]) -> Bool = { _ in true },
                     through allowed: (Int) -> Bool = { _ in true }) -> Lasso? {
        let targets = bottomComponents(from: origin, in: graph).filter(accept)
        guard !targets.isEmpty else { return nil }
        var target: [Int: Int] = [:]
        for (k, c) in targets.enumerated() { for s in c { target[s] = k } }
        // Shortest stem to any state of an accepted component.
        guard let stem = shortestPath(from: origin, in: graph, to: { target[$0] != nil }, through: allowed),
              let entry = stem.last, let k = target[entry] else { return nil }
        let members = Set(targets[k])
        // The shortest cycle through `entry` inside its component.
        var cycle: [Int]? = nil
        for first in graph.out(entry) where members.contains(Int(first)) {
            if Int(first) == entry { cycle = [entry]; break }
            if let back = shortestPath(from: Int(first), in: graph, to: { $0 == entry }, through: { members.contains($0) }),
               cycle == nil || back.count + 0 < cycle!.count {
                cycle = back
            }
        }
        guard let cycle else { return nil }
        return Lasso(stem: stem, cycle: cycle)
    }

    /// Breadth-first shortest path from `origin` to a state satisfying `goal`,
    /// visiting only `allowed` states (the origin always); inclusive at both ends.
    static func shortestPath(from origin: Int, in graph: Graph, to goal: (Int) -> Bool,
                             through allowed: (Int) -> Bool) -> [Int]? {
        if goal(origin) { return [origin] }
        var parent: [Int: Int] = [origin: -1]
        var queue = [origin], head = 0
        while head < queue.count {
            let s = queue[head]
            head += 1
            for t32 in graph.out(s) {
                let t = Int(t32)
                guard parent[t] == nil, allowed(t) else { continue }
                parent[t] = s
                if goal(t) {
                    var path = [t], i = s
                    while i != -1 { path.append(i); i = parent[i]! }
                    return path.reversed()
                }
                queue.append(t)
            }
        }
        return nil
    }
}
