// swift-tools-version: 6.2
// chatctl: a room-based real-time chat backend and the one command that runs and operates it.
// The layers and arrows follow ../shared/ARCHITECTURE.md (and docs/ARCHITECTURE.md here).

import PackageDescription

let package = Package(
    name: "chatctl",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "chatctl", targets: ["chatctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: ["JSON", "YAML"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.0.0"..<"6.0.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
    ],
    targets: [
        // C libraries (Debian -dev packages, found through pkg-config).
        .systemLibrary(name: "CMongoC", pkgConfig: "libmongoc-1.0", providers: [.apt(["libmongoc-dev"])]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CRabbitMQ", pkgConfig: "librabbitmq", providers: [.apt(["librabbitmq-dev"])]),

        // The debug-build tripwire for blocking calls on an event loop; below everything
        // that blocks (the Kits, the backends, the runtime's log writer).
        .target(name: "BlockingGuard", dependencies: [
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        // What the Kits share (the thread-backed sequence, the backoff, C timeouts); knows nothing of chat.
        .target(name: "KitSupport"),

        // Small Swift clients over the C libraries; they know nothing of chat.
        .target(name: "MongoKit", dependencies: [
            "CMongoC",
            "BlockingGuard",
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .target(name: "RedisKit", dependencies: [
            "CHiredis",
            "BlockingGuard",
            "KitSupport",
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .target(name: "AMQPKit", dependencies: [
            "CRabbitMQ",
            "BlockingGuard",
            "KitSupport",
        ]),

        // Models, ports, use cases, errors. No I/O imports.
        .target(name: "ChatCore", dependencies: [
            .product(name: "Logging", package: "swift-log"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        // Adapters that need no server and no C library: the in-memory store, cache,
        // fan-out, event queues, locks and revoked tokens; bcrypt and JWT.
        .target(name: "ChatInProcess", dependencies: [
            "ChatCore",
            "BlockingGuard",
            "KitSupport",
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        // Adapters implementing ChatCore's ports on SQLite, MongoDB, Redis and RabbitMQ
        // (re-exporting the in-process ones).
        .target(name: "ChatBackends", dependencies: [
            "ChatCore",
            "ChatInProcess",
            "KitSupport",
            "MongoKit",
            "RedisKit",
            "AMQPKit",
            "BlockingGuard",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        // Hummingbird applications: chat REST + WebSocket rooms, auth.
        .target(name: "ChatServer", dependencies: [
            "ChatCore",
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], resources: [
            // GET /openapi.json (OpenAPIDocument), and the browser client served at / (chat.web_client), as PackageResources.index_html, .app_js, .style_css.
            .embedInCode("WebClient/index.html"),
            .embedInCode("WebClient/app.js"),
            .embedInCode("WebClient/style.css"),
            .embedInCode("OpenAPI/openapi.json"),
        ]),

        // Configuration layers -> connected backends (through ChatBackends' factories:
        // no Kit here) + the services to run.
        .target(name: "ChatRuntime", dependencies: [
            "ChatCore",
            "ChatBackends",
            "ChatServer",
            "BlockingGuard",
            .product(name: "Configuration", package: "swift-configuration"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "SystemPackage", package: "swift-system"),
        ]),

        // A client of chatctl's own HTTP and WebSocket contract (doctor --e2e, bench, the tests).
        .target(name: "ChatClient", dependencies: [
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
        ]),

        // The command tree.
        .target(name: "ChatCLI", dependencies: [
            "ChatCore",
            "ChatRuntime",
            "ChatClient",
            "KitSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Configuration", package: "swift-configuration"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),

        .executableTarget(name: "chatctl", dependencies: [
            "ChatCLI",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),

        // Benchmarks: apart from the tests, they print figures (see BENCHMARKS.md).
        .executableTarget(name: "redis-fanout-layout", dependencies: ["RedisKit"], path: "Benchmarks/RedisFanoutLayout"),

        // Test helpers that need no server and no C library: in-memory ports, a failing
        // store, bounded waits (all ChatCore's tests need).
        .target(name: "InProcessTestSupport", dependencies: [
            "ChatCore",
            "ChatInProcess",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Tests/InProcessTestSupport"),

        // Test helpers shared by the other test targets (hand-made JWTs, test servers and
        // stores, the test socket and HTTP helper over ChatClient), re-exporting the above.
        .target(name: "ChatTestSupport", dependencies: [
            "ChatCore",
            "ChatBackends",
            "ChatClient",
            "BlockingGuard",
            "InProcessTestSupport",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
        ], path: "Tests/ChatTestSupport"),

        .testTarget(name: "ChatCoreTests", dependencies: [
            "ChatCore", "ChatInProcess", "InProcessTestSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ChatBackendsTests", dependencies: [
            "ChatCore", "ChatBackends", "ChatTestSupport", "MongoKit", "RedisKit", "AMQPKit", "BlockingGuard",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "ChatServerTests", dependencies: [
            "ChatTestSupport",
            "MongoKit",
            "RedisKit",
            "ChatCore",
            "ChatBackends",
            "ChatServer",
            "ChatRuntime",
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "ChatClientTests", dependencies: ["ChatClient"]),
        .testTarget(name: "ChatCLITests", dependencies: [
            "ChatCore", "ChatBackends", "ChatRuntime", "ChatTestSupport", "MongoKit", "RedisKit", "AMQPKit",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
        ]),
        .testTarget(name: "KitTests", dependencies: [
            "KitSupport", "MongoKit", "RedisKit", "AMQPKit", "BlockingGuard", "ChatClient", "ChatTestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
