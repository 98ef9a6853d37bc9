import ChatCore
import Foundation
import Testing

@Suite("ObjectID")
struct ObjectIDTests {
    @Test("hex and bytes round-trip; JSON is a 24-character hex string")
    func roundTrip() throws {
        let id = ObjectID()
        #expect(id.hex.count == 24)
        #expect(ObjectID(hex: id.hex) == id)
        #expect(ObjectID(bytes: id.bytes) == id)
        let json = try JSONEncoder().encode([id])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(id.hex)\"]")
        #expect(try JSONDecoder().decode([ObjectID].self, from: json) == [id])
    }

    @Test("a MongoDB-made id parses to the same bytes and time")
    func mongoID() throws {
        let id = try #require(ObjectID(hex: "6671a52bcca20e318e617dd4"))
        #expect(id.hex == "6671a52bcca20e318e617dd4")
        #expect(id.bytes == [0x66, 0x71, 0xa5, 0x2b, 0xcc, 0xa2, 0x0e, 0x31, 0x8e, 0x61, 0x7d, 0xd4])
        #expect(id.date == Date(timeIntervalSince1970: 0x6671_a52b))
        #expect(ObjectID(hex: "6671A52BCCA20E318E617DD4") == id)
    }

    @Test("malformed hex is refused", arguments: ["", "123", "zz71a52bcca20e318e617dd4", "6671a52bcca20e318e617dd4a"])
    func malformed(text: String) {
        #expect(ObjectID(hex: text) == nil)
    }

    @Test("ids made in one second are unique and carry that second")
    func uniqueInOneSecond() {
        let now = Date()
        let ids = (0..<10_000).map { _ in ObjectID(date: now) }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.date == Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)) })
    }
}
