import AMQPKit
import MongoKit
import RedisKit
import Testing

@Suite("the C-library kits: linking, parsing, redaction")
struct KitTests {
    @Test("each kit links its C library and reports its version")
    func versions() {
        #expect(MongoKit.libraryVersion.hasPrefix("1."))
        #expect(RedisKit.libraryVersion.split(separator: ".").count == 3)
        #expect(AMQPKit.libraryVersion.hasPrefix("0."))
    }

    @Test("a MongoDB URI is parsed by libmongoc; errors never show the password")
    func mongoURI() throws {
        let uri = try MongoURI("mongodb://app:s3cret@db1:27017,db2:27018/chat_app?replicaSet=rs0")
        #expect(uri.database == "chat_app")
        #expect(uri.hosts == ["db1:27017", "db2:27018"])
        #expect(uri.redacted == "mongodb://app:<redacted>@db1:27017,db2:27018/chat_app?replicaSet=rs0")
        #expect(!"\(uri)".contains("s3cret"))
        let error = #expect(throws: MongoError.self) { try MongoURI("mongodb://app:s3cret@") }
        #expect(error?.kind == .invalidURI)
        #expect(error.map { !$0.message.contains("s3cret") } == true)
        #expect(throws: MongoError.self) { try MongoURI("http://localhost") }
    }

    @Test("Redis addresses: the Go system's host:port and redis:// URLs")
    func redis() throws {
        #expect(try RedisEndpoint(parsing: "redis:6379") == RedisEndpoint(host: "redis", port: 6379))
        #expect(try RedisEndpoint(parsing: "127.0.0.1") == RedisEndpoint(host: "127.0.0.1"))
        let full = try RedisEndpoint(parsing: "redis://:p%40ss@cache.internal:6380/2")
        #expect(full == RedisEndpoint(host: "cache.internal", port: 6380, password: "p@ss", database: 2))
        #expect(!full.description.contains("p@ss"))
        #expect(throws: RedisEndpointError.self) { try RedisEndpoint(parsing: "redis://host:notaport") }
        #expect(throws: RedisEndpointError.self) { try RedisEndpoint(parsing: "redis://host/x") }
        #expect(throws: RedisEndpointError.self) { try RedisEndpoint(parsing: "http://host") }
    }

    @Test("AMQP URLs, with the Go system's username/password filling gaps")
    func amqp() throws {
        let full = try AMQPEndpoint(parsing: "amqp://chat:pa%3Ass@mq:5673/prod")
        #expect(full == AMQPEndpoint(host: "mq", port: 5673, username: "chat", password: "pa:ss", virtualHost: "prod"))
        #expect(!full.description.contains("pa:ss"))
        let bare = try AMQPEndpoint(parsing: "amqp://rabbitmq", username: "go-user", password: "go-pass")
        #expect(bare == AMQPEndpoint(host: "rabbitmq", username: "go-user", password: "go-pass", virtualHost: "/"))
        #expect(try AMQPEndpoint(parsing: "amqp://h/%2f").virtualHost == "/")
        #expect(throws: AMQPEndpointError.self) { try AMQPEndpoint(parsing: "amqps://h") }
        #expect(throws: AMQPEndpointError.self) { try AMQPEndpoint(parsing: "amqp://:5672") }
    }
}
