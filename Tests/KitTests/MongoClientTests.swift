import ChatTestSupport
import MongoKit
import Testing

@Suite("MongoKit against a live server", .enabled(if: MongoTestServer.shouldRun, Comment(rawValue: MongoTestServer.skipReason)))
struct MongoClientTests {
    func withCollection(_ body: (MongoClient, MongoCollection) async throws -> Void) async throws {
        let client = try MongoClient(uri: try MongoTestServer.requireURI(), options: .init(poolSize: 2))
        let database = MongoTestServer.freshDatabase()
        do {
            try await body(client, client.collection("things", database: database))
        } catch {
            _ = try? await client.runCommand(["dropDatabase": 1], database: database)
            await client.close()
            throw error
        }
        _ = try? await client.runCommand(["dropDatabase": 1], database: database)
        await client.close()
    }

    func id(_ n: UInt8) -> BSONValue { .objectID(BSONObjectID(bytes: Array(repeating: 0, count: 11) + [n])) }

    @Test("ping, insert, find one back with every field and type intact")
    func insertAndFind() async throws {
        try await withCollection { client, things in
            try await client.ping()
            var document = BSONTests.sample
            document["_id"] = id(1)
            try await things.insertOne(document)
            let found = try #require(try await things.findOne(["_id": id(1)]))
            #expect(found == document)
        }
    }

    @Test("a unique index refuses a duplicate with .duplicateKey")
    func duplicateKey() async throws {
        try await withCollection { _, things in
            try await things.createIndexes([.init(keys: ["name": 1], name: "name_unique", unique: true)])
            try await things.createIndexes([.init(keys: ["name": 1], name: "name_unique", unique: true)])
            try await things.insertOne(["_id": id(1), "name": "same"])
            let error = await #expect(throws: MongoError.self) { try await things.insertOne(["_id": id(2), "name": "same"]) }
            #expect(error?.kind == .duplicateKey)
            #expect(try await things.countDocuments() == 1)
        }
    }

    @Test("indexNames lists what the server has: nothing for a missing collection, then _id_ and the created ones")
    func indexNames() async throws {
        try await withCollection { _, things in
            #expect(try await things.indexNames() == [])
            try await things.createIndexes([.init(keys: ["name": 1], name: "name_unique", unique: true), .init(keys: ["at": 1], name: "at")])
            #expect(try await things.indexNames().sorted() == ["_id_", "at", "name_unique"])
        }
    }

    @Test("find: filter, sort, skip, limit, projection; small batches arrive by getMore")
    func findOptions() async throws {
        try await withCollection { _, things in
            try await things.insertMany((1...7).map { ["_id": id(UInt8($0)), "n": .int32(Int32($0)), "group": .string($0 % 2 == 0 ? "even" : "odd")] })
            let all = try await things.find([:], options: .init(sort: ["n": -1], batchSize: 2))
            #expect(all.compactMap { $0.int("n") } == [7, 6, 5, 4, 3, 2, 1])
            let page = try await things.find(["group": "odd"], options: .init(sort: ["n": 1], projection: ["n": 1, "_id": 0], limit: 2, skip: 1))
            #expect(page == [["n": .int32(3)], ["n": .int32(5)]])
            #expect(try await things.countDocuments(["group": "even"]) == 3)
        }
    }

    @Test("update with $addToSet keeps a set; upsert inserts; delete removes")
    func updateAndDelete() async throws {
        try await withCollection { _, things in
            try await things.insertOne(["_id": id(1), "members": .array([])])
            for member in ["a", "b", "a"] {
                try await things.update(["_id": id(1)], ["$addToSet": ["members": .string(member)]])
            }
            #expect(try await things.findOne(["_id": id(1)])?.array("members") == ["a", "b"])
            let upserted = try await things.update(["_id": id(2)], ["$set": ["x": 1]], upsert: true)
            #expect(upserted.upserted == 1)
            let deleted = try await things.delete([:], many: true)
            #expect(deleted.deleted == 2)
        }
    }

    @Test("aggregate groups")
    func aggregate() async throws {
        try await withCollection { _, things in
            try await things.insertMany((1...6).map { ["_id": id(UInt8($0)), "room": .string($0 <= 4 ? "a" : "b")] })
            let groups = try await things.aggregate([["$group": ["_id": "$room", "count": ["$sum": 1]]], ["$sort": ["_id": 1]]])
            #expect(groups.map { $0.int("count") } == [4, 2])
        }
    }
}

@Suite("MongoKit without a server")
struct MongoUnavailableTests {
    @Test("nothing listening: a call fails with .unavailable (after the configured timeout, not hanging)")
    func deadServer() async throws {
        let client = try MongoClient(
            uri: "mongodb://user:topsecret@127.0.0.1:9/?appname=dead",
            options: .init(poolSize: 1, serverSelectionTimeout: .milliseconds(300), connectTimeout: .milliseconds(300)))
        let error = await #expect(throws: MongoError.self) { try await client.ping() }
        #expect(error?.kind == .unavailable)
        #expect(error.map { !$0.message.contains("topsecret") } == true)
        await client.close()
    }
}

@Suite("MongoKit cursors", .enabled(if: MongoTestServer.shouldRun, Comment(rawValue: MongoTestServer.skipReason)))
struct MongoCursorTests {
    @Test("a stream yields every document in order, batch by batch")
    func streamsAll() async throws {
        let client = try MongoClient(uri: try MongoTestServer.requireURI(), options: .init(poolSize: 1))
        let things = client.collection("many", database: MongoTestServer.freshDatabase())
        try await things.insertMany((0..<25).map { ["n": .int32(Int32($0))] })
        var seen: [Int] = []
        for try await document in try await things.stream([:], options: .init(sort: ["n": 1], batchSize: 4)) {
            seen.append(document.int("n") ?? -1)
        }
        #expect(seen == Array(0..<25))
        // The one pooled connection came back: the client still works.
        #expect(try await things.countDocuments() == 25)
        await client.close()
    }

    @Test("an abandoned stream gives its connection back")
    func abandoned() async throws {
        let client = try MongoClient(uri: try MongoTestServer.requireURI(), options: .init(poolSize: 1))
        let things = client.collection("many", database: MongoTestServer.freshDatabase())
        try await things.insertMany((0..<10).map { ["n": .int32(Int32($0))] })
        do {
            var iterator = try await things.stream([:], options: .init(batchSize: 2)).makeAsyncIterator()
            _ = try await iterator.next()
        }
        #expect(try await things.countDocuments() == 10)
        await client.close()
    }
}
