import ChatCore

/// The RabbitMQ queue's ledger of events whose post stopped waiting for the broker's
/// confirmation and recorded them in the store's pending-event log instead: once the
/// buffer's publish of such an event is confirmed, its mark is cleared, so the relay
/// does not publish it a second time.
///
/// Tickets are the queue's: an event's ticket is the number of events buffered up to and
/// including it, and "confirmed through N" means every ticket up to N is confirmed.
struct LateConfirmations {
    /// `publishConfirmed` gave up on these; their marks are not recorded yet.
    private var unrecorded: [ObjectID: Int] = [:]
    /// Recorded marks, cleared when their ticket is confirmed.
    private var recordedMarks: [(ticket: Int, id: ObjectID)] = []
    /// At most this many entries wait for their mark (a mark the store failed to record
    /// never arrives); beyond it the confirmed ones are forgotten, and a mark recorded
    /// after all is left to the relay.
    let limit: Int

    init(limit: Int) { self.limit = max(1, limit) }

    /// Marks waiting to be cleared (for tests).
    var waitingCount: Int { recordedMarks.count }

    /// The events whose marks this queue holds: refreshed in the store while they wait,
    /// so that no other node's relay takes them over (`PendingEventLease`).
    var heldMarks: Set<ObjectID> { Set(recordedMarks.map(\.id)) }

    /// The post's wait for `ticket` ended without a confirmation.
    mutating func gaveUp(on id: ObjectID, ticket: Int, confirmedThrough: Int) {
        if unrecorded.count >= limit { unrecorded = unrecorded.filter { $0.value > confirmedThrough } }
        guard unrecorded.count < limit else { return }
        unrecorded[id] = ticket
    }

    /// The mark of `id` is in the store. True when its event is already confirmed: clear
    /// the mark now. False otherwise: it is cleared by `confirmed(through:)` later, or —
    /// for an event this queue never held (dropped from a full buffer) — left to the relay.
    mutating func recorded(_ id: ObjectID, confirmedThrough: Int) -> Bool {
        guard let ticket = unrecorded.removeValue(forKey: id) else { return false }
        if ticket <= confirmedThrough { return true }
        recordedMarks.append((ticket, id))
        return false
    }

    /// Every event through `ticket` is confirmed: the marks to clear now.
    mutating func confirmed(through ticket: Int) -> [ObjectID] {
        guard !recordedMarks.isEmpty else { return [] }
        let done = recordedMarks.filter { $0.ticket <= ticket }.map(\.id)
        if !done.isEmpty { recordedMarks.removeAll { $0.ticket <= ticket } }
        return done
    }
}
