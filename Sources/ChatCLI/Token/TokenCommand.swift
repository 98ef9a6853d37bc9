import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl token …`: mint and check access tokens with the configured secret.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue and verify access tokens (HS256 JWTs signed with the configured secret).",
        subcommands: [TokenIssue.self, TokenVerify.self]
    )

    static func authority(_ settings: Settings, ttl: Duration? = nil) async throws -> any TokenAuthority {
        try await TokenTools.authority(settings, lifetime: ttl)
    }

    struct Claims: Encodable {
        var valid: Bool
        var userID: String?
        var username: String?
        var expiresAt: String?
        var reason: String?
    }
}

/// `chatctl token issue USER [--ttl 12h] [--json]`.
struct TokenIssue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Print a token for an existing user (as /api/user/login/ would issue).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The username.", valueName: "user"))
    var user: String

    @Option(name: .long, help: ArgumentHelp("Lifetime: 90m, 12h, 7d… (default auth.token_ttl_seconds).", valueName: "duration"))
    var ttl: String?

    @OptionGroup var format: JSONOption

    func run() async throws {
        var lifetime: Duration?
        if let ttl {
            do {
                lifetime = .seconds(try AgeCutoff.duration(ttl, field: "ttl"))
            } catch let error as ChatError {
                throw ValidationError("--ttl: \(error.message)")
            }
        }
        let settings = try await global.loadSettings()
        let authority = try await TokenCommand.authority(settings, ttl: lifetime)
        // Issuing a credential is recorded (the token itself never is).
        let (found, token) = try await OperatorSession.runAudited(
            settings: settings, "token issue", target: user, arguments: ttl.map { ["ttl": $0] } ?? [:]
        ) { session -> (User, String) in
            guard let found = try await session.backends.store.user(named: user) else { throw RuntimeError("user '\(user)' does not exist") }
            return (found, try await authority.issue(for: found))
        }
        if format.json {
            let claims = try await authority.verify(token)
            try OutputJSON.print(["token": AnyEncodable(token), "username": AnyEncodable(found.username), "userID": AnyEncodable(found.id.hex),
                                  "expiresAt": AnyEncodable(RFC3339.string(from: claims.expiresAt))])
        } else {
            print(token)
        }
    }
}

/// `chatctl token verify TOKEN [--json]`: exit 0 when valid, 1 with the reason otherwise.
struct TokenVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a token's signature and expiry and print its claims; exit 1 with the reason when invalid.",
        discussion: "Pass - to read the token from stdin (keeps it out of shell history).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The token, or - for stdin.", valueName: "token"))
    var token: String

    @OptionGroup var format: JSONOption

    func run() async throws {
        let text = token == "-" ? (readLine() ?? "").trimmingCharacters(in: .whitespacesAndNewlines) : token
        let settings = try await global.loadSettings()
        let authority = try await TokenCommand.authority(settings)
        let result: TokenCommand.Claims
        do {
            let claims = try await authority.verify(text)
            result = .init(valid: true, userID: claims.userID?.hex, username: claims.username, expiresAt: RFC3339.string(from: claims.expiresAt))
        } catch let error as ChatError {
            result = .init(valid: false, reason: error.message)
        }
        if format.json {
            try OutputJSON.print(result)
        } else if result.valid {
            print("valid: user \(result.username ?? "?") (id \(result.userID ?? "none")), expires \(result.expiresAt ?? "?")")
        } else {
            print("invalid: \(result.reason ?? "unknown reason")")
        }
        if !result.valid { throw ExitCode.failure }
    }
}
