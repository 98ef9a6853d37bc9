import Foundation
import Synchronization

/// This node's copy of each room's rules and mutes (`RoomPolicy`), so that enforcing
/// them costs a post no store read: loaded on a room's first join or post on this node,
/// reloaded when a `rulesChanged` notice arrives (`ModerationWatcher`, every second),
/// and the slow-mode timing of this node's posts (`SlowModeClock`).
///
/// A notice bumps the room's generation, so a load that began before it is used once and
/// not kept: a change is never hidden by a slower, older read.
public final class RoomRuleCache: Sendable {
    private struct State {
        var policies: [ObjectID: RoomPolicy] = [:]
        var generations: [ObjectID: Int] = [:]
        var clock = SlowModeClock()
    }

    private let store: any ChatStore
    private let state = Mutex(State())

    public init(store: any ChatStore) {
        self.store = store
    }

    /// Loads the room's policy if this node has none yet (a join, before the socket posts).
    public func prepare(roomID: ObjectID) async throws {
        _ = try await policy(for: roomID)
    }

    /// The room's policy: this node's copy, or the store's (then kept).
    public func policy(for roomID: ObjectID) async throws -> RoomPolicy {
        if let cached = state.withLock({ $0.policies[roomID] }) { return cached }
        return try await load(roomID)
    }

    /// A `rulesChanged` notice for the room: reloads it if this node has it (a room it
    /// never loaded is loaded on its first use). The old copy is dropped first, so a
    /// failed reload leaves the next post to load it.
    public func refresh(roomID: ObjectID) async throws {
        let known = state.withLock { state -> Bool in
            state.generations[roomID, default: 0] += 1
            return state.policies.removeValue(forKey: roomID) != nil
        }
        if known { _ = try await load(roomID) }
    }

    /// Whether `sender` may post in `room` at `now`; throws the refusal naming the rule
    /// (read-only, muted, slow mode). A post let through in slow mode takes the sender's
    /// slot: hand the returned slot to `giveBack` if the post was not stored after all.
    public func admit(_ sender: ObjectID, in room: Room, now: Date = Date()) async throws -> SlowModeClock.Slot? {
        let policy = try await policy(for: room.id, fallback: room.rules)
        switch policy.verdict(for: sender, at: now) {
        case .post:
            return nil
        case .refused(let error):
            throw error
        case .postAfterInterval(let seconds):
            let taken = state.withLock { $0.clock.take(room: room.id, user: sender, interval: seconds, now: now) }
            return try taken.get()
        }
    }

    /// Undoes a slow-mode slot whose post was not stored (or was a resend of a stored one).
    public func giveBack(_ slot: SlowModeClock.Slot?) {
        guard let slot else { return }
        state.withLock { $0.clock.giveBack(slot) }
    }

    /// As `policy(for:)`; a room the store does not have (deleted meanwhile) gets the
    /// rules the caller knows and no mutes, and is not kept.
    private func policy(for roomID: ObjectID, fallback: RoomRules) async throws -> RoomPolicy {
        if let cached = state.withLock({ $0.policies[roomID] }) { return cached }
        return try await load(roomID, fallback: fallback)
    }

    /// Reads the room's rules and mutes; keeps them unless a notice came meanwhile.
    private func load(_ roomID: ObjectID, fallback: RoomRules? = nil) async throws -> RoomPolicy {
        let generation = state.withLock { $0.generations[roomID, default: 0] }
        guard let room = try await store.room(id: roomID) else {
            return RoomPolicy(rules: fallback ?? RoomRules())
        }
        let policy = RoomPolicy(rules: room.rules, mutes: try await store.mutes(inRoom: roomID, at: Date()))
        state.withLock { state in
            if state.generations[roomID, default: 0] == generation { state.policies[roomID] = policy }
        }
        return policy
    }
}
