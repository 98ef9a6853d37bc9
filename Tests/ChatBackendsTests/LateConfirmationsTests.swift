@testable import ChatBackends
import ChatCore
import Testing

/// The RabbitMQ queue's ledger of pending marks to clear once their event is confirmed.
@Suite("late confirmations clear pending marks")
struct LateConfirmationsTests {
    @Test("a mark recorded before its event is confirmed is cleared by that confirmation, not earlier")
    func clearedOnConfirmation() {
        var late = LateConfirmations(limit: 10)
        let (a, b) = (ObjectID(), ObjectID())
        late.gaveUp(on: a, ticket: 3, confirmedThrough: 1)
        late.gaveUp(on: b, ticket: 5, confirmedThrough: 1)
        let r1 = late.recorded(a, confirmedThrough: 1)
        #expect(!r1)
        let r2 = late.recorded(b, confirmedThrough: 2)
        #expect(!r2)
        let r3 = late.confirmed(through: 2)
        #expect(r3.isEmpty)
        let r4 = late.confirmed(through: 4)
        #expect(r4 == [a])
        let r5 = late.confirmed(through: 9)
        #expect(r5 == [b])
        #expect(late.waitingCount == 0)
    }

    @Test("a mark recorded after its event was confirmed is cleared at once")
    func confirmedBeforeRecorded() {
        var late = LateConfirmations(limit: 10)
        let id = ObjectID()
        late.gaveUp(on: id, ticket: 3, confirmedThrough: 1)
        let r6 = late.confirmed(through: 3)
        #expect(r6.isEmpty, "nothing recorded yet")
        let r7 = late.recorded(id, confirmedThrough: 3)
        #expect(r7)
        #expect(late.waitingCount == 0)
    }

    @Test("an event the queue never held (dropped from a full buffer) keeps its mark for the relay")
    func droppedKeepsMark() {
        var late = LateConfirmations(limit: 10)
        let r8 = late.recorded(ObjectID(), confirmedThrough: 100)
        #expect(!r8)
        let r9 = late.confirmed(through: 100)
        #expect(r9.isEmpty)
    }

    @Test("bounded: marks that never arrive do not pile up; confirmed ones make room first")
    func bounded() {
        var late = LateConfirmations(limit: 2)
        let ids = (0..<4).map { _ in ObjectID() }
        late.gaveUp(on: ids[0], ticket: 1, confirmedThrough: 0)
        late.gaveUp(on: ids[1], ticket: 2, confirmedThrough: 0)
        late.gaveUp(on: ids[2], ticket: 3, confirmedThrough: 0)  // full, nothing confirmed: not tracked
        let r10 = late.recorded(ids[2], confirmedThrough: 3)
        #expect(!r10, "untracked: its mark stays for the relay")
        late.gaveUp(on: ids[3], ticket: 4, confirmedThrough: 1)  // ticket 1 confirmed: its entry makes room
        let r11 = late.recorded(ids[0], confirmedThrough: 1)
        #expect(!r11, "forgotten to make room: left to the relay")
        let r12 = late.recorded(ids[3], confirmedThrough: 1)
        #expect(!r12)
        let r13 = late.confirmed(through: 4)
        #expect(r13 == [ids[3]])
    }
}
