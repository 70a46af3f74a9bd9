import Foundation

/// Threads of their own for review jobs, in place of Swift's cooperative pool.
///
/// The engine works through a contract in long stretches that never suspend. The cooperative pool has one thread per
/// core (on Linux it is Dispatch's default pool, so a concurrent `DispatchQueue` would not help), and as many jobs as
/// cores would hold all of it for those stretches: nothing else of the node would run meanwhile — not the lease
/// heartbeat, whose lapse lets another node take over a review this one is still running, not the HTTP handlers, not
/// the WebSocket fan-out. On threads of their own the jobs share the cores with the rest, by the kernel's scheduler.
final class ReviewThreads: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var queue: [UnownedJob] = []
    private var stopping = false

    init(count: Int) {
        for index in 0..<count {
            let thread = Thread { self.work() }
            thread.name = "review-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the threads end once the queue is empty; for when no job can be enqueued any more.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        let executor = asUnownedTaskExecutor()
        while let job = next() { job.runSynchronously(on: executor) }
    }

    private func next() -> UnownedJob? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !stopping { condition.wait() }
        return queue.isEmpty ? nil : queue.removeFirst()
    }
}
