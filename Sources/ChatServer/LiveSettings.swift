import Synchronization

/// The `ReloadableSettings` in force in one process, shared by every part of its servers
/// that reads them, and replaced whole by a configuration reload (`publish`).
///
/// A reader makes one atomic load of an immutable snapshot (`snapshot`, `current`) and
/// takes no lock, so the per-frame path (a room socket's rate limit) reads it on every
/// frame. Every snapshot ever published stays alive as long as the holder, so a reader's
/// unretained load can never race the release of the one it loaded: reloads are an
/// operator's acts, a handful in a process's life, each a few hundred bytes.
public final class LiveSettings: Sendable {
    /// One published value; immutable.
    public final class Snapshot: Sendable {
        /// 0 for the settings the servers started with, one more at each `publish`: a
        /// reader that keeps something derived from them (a socket's token bucket)
        /// compares it with its own to know when to derive again.
        public let generation: UInt64
        public let settings: ReloadableSettings

        init(generation: UInt64, settings: ReloadableSettings) {
            self.generation = generation
            self.settings = settings
        }
    }

    private let published: Atomic<Unmanaged<Snapshot>>
    /// Every snapshot published, oldest first (the last one is the one in force).
    private let kept: Mutex<[Snapshot]>

    /// - Parameter settings: the ones the servers start with (generation 0).
    public init(_ settings: ReloadableSettings) {
        let first = Snapshot(generation: 0, settings: settings)
        published = Atomic(Unmanaged.passUnretained(first))
        kept = Mutex([first])
    }

    /// The snapshot in force: one atomic load.
    public var snapshot: Snapshot { published.load(ordering: .acquiring).takeUnretainedValue() }

    /// The settings in force.
    public var current: ReloadableSettings { snapshot.settings }

    /// Makes `settings` the ones in force for every reader from now on.
    /// - Returns: the snapshot published.
    @discardableResult
    public func publish(_ settings: ReloadableSettings) -> Snapshot {
        kept.withLock { kept -> Snapshot in
            let next = Snapshot(generation: (kept.last?.generation ?? 0) + 1, settings: settings)
            kept.append(next)
            published.store(Unmanaged.passUnretained(next), ordering: .releasing)
            return next
        }
    }
}
