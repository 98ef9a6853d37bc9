import ArgumentParser
import ChatCore
import ChatRuntime

/// Room names on the command line ↔ ids in the store.
enum RoomLookup {
    /// The id of `name` (nil when no name was given); a clear error when it does not exist.
    static func id(named name: String?, in store: any ChatStore) async throws -> ObjectID? {
        guard let name else { return nil }
        guard let room = try await store.room(named: name) else { throw RuntimeError("room '\(name)' does not exist (chatctl rooms are listed by GET /api/room/list/)") }
        return room.id
    }

    static func names(_ ids: [ObjectID], in store: any ChatStore) async throws -> [ObjectID: String] {
        var names: [ObjectID: String] = [:]
        for id in Set(ids) { names[id] = try await store.room(id: id)?.name }
        return names
    }
}
