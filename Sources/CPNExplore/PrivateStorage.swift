extension Array {
    /// The same elements in a buffer of their own.
    ///
    /// A copy of an array (or `Array(array)`) shares its buffer, and with it
    /// the buffer's reference count: two threads reading one table both
    /// retain and release it, each write to the count takes the cache line
    /// (which also holds the table's first entries) from the other core, and
    /// the other thread's next read waits for it. Worker threads therefore
    /// work on tables of their own (`ParallelStateExpander.workerCopy`).
    func inStorageOfItsOwn() -> [Element] { withUnsafeBufferPointer { Array($0) } }
}
