import Foundation

/// Where the MongoDB tests find a server: `MONGODB_TEST_URI` (a real mongod, or the
/// stand-in that `scripts/test.sh` starts). In CI a missing server is a failure;
/// locally the tests are skipped with a message saying what to start.
public enum MongoTestServer {
    /// `MONGODB_TEST_URI`, with patient timeouts unless it sets its own.
    public static var uri: String? {
        ProcessInfo.processInfo.environment["MONGODB_TEST_URI"].flatMap { $0.isEmpty ? nil : withPatientTimeouts($0) }
    }

    /// `uri` with 30 s server selection and connect timeouts where it names none. The
    /// driver's 5 s defaults fail the first query of a test when the server (the Python
    /// stand-in, on two loaded cores) is slow to answer its handshake; a test against a
    /// server that is up must wait, not fail. Tests of a dead server set their own.
    static func withPatientTimeouts(_ uri: String) -> String {
        var result = uri
        // socketTimeoutMS too: the stand-in is one Python thread, so an operation queued
        // behind another test's large batch waits its turn.
        for (option, value) in [("serverSelectionTimeoutMS", 30_000), ("connectTimeoutMS", 30_000), ("socketTimeoutMS", 120_000)]
            where !uri.lowercased().contains(option.lowercased() + "=")
        {
            let separator: String
            if result.contains("?") {
                separator = "&"
            } else if let scheme = result.range(of: "://"), result[scheme.upperBound...].contains("/") {
                separator = "?"
            } else {
                separator = "/?"
            }
            result += "\(separator)\(option)=\(value)"
        }
        return result
    }

    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Run the MongoDB tests when a server is given, and always in CI (where they fail without one).
    public static var shouldRun: Bool { uri != nil || isCI }

    public static let skipReason =
        "no MongoDB: run scripts/test.sh (starts ../shared/mongo-standin) or set MONGODB_TEST_URI=mongodb://127.0.0.1:PORT"

    public static func requireURI() throws -> String {
        guard let uri else { throw Missing() }
        return uri
    }

    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "MONGODB_TEST_URI is not set (CI=true): the test script must start a MongoDB server" }
    }

    /// A database name no other test uses.
    public static func freshDatabase() -> String { "chatctl_test_\(UUID().uuidString.prefix(8).lowercased())" }
}
