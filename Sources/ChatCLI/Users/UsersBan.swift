import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl users ban USER [--for LENGTH] [--reason R] [--yes] [--json]`.
struct UsersBan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ban", abstract: "Ban a user for a while or until unbanned: logins and tokens refused, live WebSockets closed (1008).",
        discussion: """
            As users disable, with a reason and an end: a login with the right password gets 403 \
            {"error":"user is banned","message":"banned until …: REASON"}, its tokens get 401, and \
            its live room and notification sockets on every running node close with 1008 "user \
            banned" within about a second. A ban with --for ends by itself (nothing needs to run): \
            the user logs in again afterwards, but the tokens issued before the ban stay refused. \
            users unban ends it sooner; banning again replaces it. Asks for confirmation on a \
            terminal; needs --yes otherwise. The reason is told to the user on a refused login and \
            kept in the audit trail.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The user (username or id).", valueName: "user"))
    var user: String

    @Option(name: .customLong("for"), help: ArgumentHelp("How long: 2h, 7d, 4w (default: until unbanned).", valueName: "length"))
    var length: String?

    @Option(name: .long, help: ArgumentHelp("Why (at most 500 bytes; told to the user when a login is refused).", valueName: "text"))
    var reason: String?

    @OptionGroup var confirmation: ConfirmationOption

    @OptionGroup var format: JSONOption

    func validate() throws {
        if let length { _ = try RestrictionText.seconds(length, option: "for") }
    }

    func run() async throws {
        var arguments: [String: String] = [:]
        if let length { arguments["for"] = length }
        if let reason { arguments["reason"] = reason }
        try await OperatorSession.runAudited(global, "users ban", target: user, arguments: arguments) { session in
            let found = try await UserLookup.user(user, in: session.backends.store)
            let seconds = try length.map { try RestrictionText.seconds($0, option: "for") }
            try confirmation.require("Ban \(found.username) \(length.map { "for \($0)" } ?? "until unbanned") and close its live sockets?")
            let banned = try await UserAdministration(store: session.backends.store, hasher: session.backends.hasher, logger: session.logger)
                .ban(username: found.username, for: seconds, reason: reason, by: AuditActor.current().description)
            if format.json {
                try OutputJSON.print(UserLookup.Row(banned))
            } else {
                let until = banned.ban?.until.map { "until \(RFC3339.string(from: $0))" } ?? "until unbanned"
                print("banned \(banned.username) \(until); its live sockets close within a second")
            }
        }
    }
}
