import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl users purge-messages USER [--room R] [--since T] [--until T] [--redact] [--reason R]
/// [--batch-size N] [--pause-ms MS] [--dry-run] [--yes] [--json]`.
struct UsersPurgeMessages: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge-messages", abstract: "Delete or redact one user's messages (all, one room's, a time range's), live and archived, in batches.",
        discussion: """
            Counts first (in the rooms' history and in archived_messages), then asks (on a \
            terminal; needs --yes otherwise) and purges in batches, oldest first, with a progress \
            line on a terminal. Each batch's notifications are deleted (emptied with --redact), \
            then its messages; then every running chat node is told once per room of the batch: \
            within about a second it sends the room's sockets {"type":"deleted"|"redacted","id":…} \
            for each message and drops its cached history of the room. Interrupted anywhere, even \
            by kill -9, it is finished by running it again: a delete finds what is left, a \
            redaction the messages not redacted yet (a redacted message keeps its first \
            redaction). USER may be the id of a deleted user, whose messages stay. A relative \
            time (--since 2h) moves with the clock: give RFC 3339 times to rerun over the same range.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The sender (username or id).", valueName: "user"))
    var user: String

    @Option(name: .long, help: ArgumentHelp("Only in this room (by name).", valueName: "room"))
    var room: String?

    @Option(name: .long, help: ArgumentHelp("Only messages from then on (inclusive): 90m, 12h, 7d ago, or an RFC 3339 time.", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Only messages before then (exclusive): 90m, 12h, 7d ago, or an RFC 3339 time.", valueName: "time"))
    var until: String?

    @Flag(name: .long, help: "Redact (each message keeps its place, its content goes) instead of deleting.")
    var redact = false

    @Option(name: .long, help: ArgumentHelp("Why (at most 500 bytes; kept with each redaction and in the audit trail, never sent to clients).", valueName: "text"))
    var reason: String?

    @Option(name: .long, help: ArgumentHelp("Messages per batch (1–10000).", valueName: "n"))
    var batchSize = 1000

    @Option(name: .long, help: ArgumentHelp("Pause between batches in milliseconds, so a big purge never starves the chat service.", valueName: "ms"))
    var pauseMs = 50

    @Flag(name: .long, help: "Count what would be purged, live and archived; change nothing.")
    var dryRun = false

    @OptionGroup var confirmation: ConfirmationOption

    @OptionGroup var format: JSONOption

    static let command = "users purge-messages"

    func validate() throws {
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 10000") }
        guard (0...60_000).contains(pauseMs) else { throw ValidationError("--pause-ms must be between 0 and 60000") }
    }

    func run() async throws {
        let settings = try await global.loadSettings()
        let from = try Self.time(since, option: "since")
        let to = try Self.time(until, option: "until")
        if let from, let to, from >= to { throw ValidationError("--until must be later than --since") }
        var arguments = ["mode": redact ? "redact" : "delete", "batch_size": "\(batchSize)"]
        if let room { arguments["room"] = room }
        if let since { arguments["since"] = since }
        if let until { arguments["until"] = until }
        if let reason { arguments["reason"] = reason }
        try await OperatorSession.run(settings: settings) { session in
            try await purgeMessages(in: session, from: from, to: to, arguments: arguments)
        }
    }

    /// Counts, then (unless a dry run) asks and purges as one audit record, whose arguments
    /// carry what was found (`found_live`, `found_archived`).
    private func purgeMessages(in session: OperatorSession, from: Date?, to: Date?, arguments: [String: String]) async throws {
        let store = session.backends.store
        let purger = PurgeUserMessages(store: store, cache: session.backends.cache, logger: session.logger)
        let options: PurgeUserMessages.Options
        let found: PurgeUserMessages.Counts
        do {
            let sender = try await Self.senderID(user, in: store)
            let roomID = try await RoomLookup.id(named: room, in: store)
            options = PurgeUserMessages.Options(
                sender: sender, room: roomID, from: from, to: to, redact: redact, reason: reason, batchSize: batchSize,
                pause: .milliseconds(pauseMs))
            found = try await purger.count(options)
        } catch {
            // Recorded as any failed attempt is (a dry run records nothing).
            try await session.audited(Self.command, target: user, arguments: arguments, recorded: !dryRun) { () throws -> Void in throw error }
            throw error
        }
        let verb = redact ? "redact" : "delete"
        if !format.json {
            print("\(user): \(found.total) messages to \(verb) (\(found.live) live, \(found.archived) archived)")
        }
        if dryRun {
            if format.json {
                try OutputJSON.print(Output(user: user, userID: options.sender.hex, redact: redact, found: found, report: nil))
            } else {
                print("dry run: nothing changed")
            }
            return
        }
        var recorded = arguments
        recorded["found_live"] = "\(found.live)"
        recorded["found_archived"] = "\(found.archived)"
        let noun = redact ? "redacted" : "deleted"
        let report = try await session.audited(Self.command, target: user, arguments: recorded) { () async throws -> PurgeUserMessages.Report in
            if found.total > 0 {
                try confirmation.require(
                    "\(redact ? "Redact" : "Delete") \(found.total) messages of \(user) (\(found.live) live, \(found.archived) archived) and tell their rooms?")
            }
            let line = ProgressLine(enabled: !format.json && isatty(STDERR_FILENO) == 1)
            let outcome = try await purger(options, by: AuditActor.current().description) { done, total in
                line.update(done: done, total: total, noun: noun)
            }
            line.finish()
            return outcome
        }
        if format.json {
            try OutputJSON.print(Output(user: user, userID: options.sender.hex, redact: redact, found: found, report: report))
        } else {
            print(
                "\(noun) \(report.purged) messages of \(user) in \(report.batches) batches, \(report.notifications) notifications with them; "
                    + "their rooms' live sockets are told within a second")
        }
    }

    /// The sender's id: a user's, or a bare id (a deleted user's messages stay).
    static func senderID(_ nameOrID: String, in store: any ChatStore) async throws -> ObjectID {
        if let user = try await store.user(named: nameOrID) { return user.id }
        if let id = ObjectID(hex: nameOrID) { return id }
        throw RuntimeError("user '\(nameOrID)' does not exist (chatctl users list shows them; a deleted user's messages are named by its id)")
    }

    /// `--since`/`--until`: an age back from now or an RFC 3339 time.
    static func time(_ text: String?, option: String) throws -> Date? {
        try TimeArgument.parse(text, option: option)
    }

    /// `--json`: what was found and what was done (nothing, for a dry run).
    struct Output: Encodable {
        var user: String
        var userID: String
        var dryRun: Bool
        /// `deleted` or `redacted`.
        var kind: String
        /// Left to purge when the run started.
        var found: PurgeUserMessages.Counts
        var purged: Int
        var notifications: Int
        var batches: Int
        /// Notices to the chat nodes: one per room per batch.
        var notices: Int

        init(user: String, userID: String, redact: Bool, found: PurgeUserMessages.Counts, report: PurgeUserMessages.Report?) {
            self.user = user
            self.userID = userID
            dryRun = report == nil
            kind = redact ? "redacted" : "deleted"
            self.found = found
            purged = report?.purged ?? 0
            notifications = report?.notifications ?? 0
            batches = report?.batches ?? 0
            notices = report?.notices ?? 0
        }
    }
}
