import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl users erase USER [--batch-size N] [--pause-ms MS] [--yes] [--json]`.
struct UsersErase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a user: users delete, plus the content of every message it wrote (live and archived) and its notifications.",
        discussion: """
            In the order a rerun needs: the account is disabled (its WebSockets close with 1008 \
            on every node within about a second, its logins and tokens are refused); every \
            message it wrote is redacted, in the rooms' history and in archived_messages, in \
            batches with a progress line (each keeps its id, room, time and seq; its content \
            goes, and every running chat node tells the room's sockets once per room per \
            batch, as users purge-messages --redact does); the notifications of its messages \
            are emptied in every inbox; the notifications it received are deleted; it is taken \
            out of every room; and last the account is deleted. Interrupted anywhere, even by \
            kill -9, it is finished by running it again — by username while the account is \
            there, by its id (printed, and in the audit trail) once it is gone. Asks on a \
            terminal; needs --yes otherwise. The audit record names USER and what was found.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The user (username or id; the id of a deleted user finishes an erasure).", valueName: "user"))
    var user: String

    @Option(name: .long, help: ArgumentHelp("Messages per batch (1–10000).", valueName: "n"))
    var batchSize = 1000

    @Option(name: .long, help: ArgumentHelp("Pause between batches in milliseconds, so a big erasure never starves the chat service.", valueName: "ms"))
    var pauseMs = 50

    @OptionGroup var confirmation: ConfirmationOption

    @OptionGroup var format: JSONOption

    static let command = "users erase"

    func validate() throws {
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 10000") }
        guard (0...60_000).contains(pauseMs) else { throw ValidationError("--pause-ms must be between 0 and 60000") }
    }

    func run() async throws {
        try await OperatorSession.run(global) { session in
            try await erase(in: session)
        }
    }

    /// Finds what is left, then asks and erases as one audit record, whose arguments carry
    /// what was found (`user_id`, `account`, `found_live`, `found_archived`, `rooms`).
    private func erase(in session: OperatorSession) async throws {
        let backends = session.backends
        let eraser = EraseUser(store: backends.store, cache: backends.cache, hasher: backends.hasher, logger: session.logger)
        var arguments = ["batch_size": "\(batchSize)"]
        let subject: EraseUser.Subject
        let plan: EraseUser.Plan
        do {
            do {
                subject = try await eraser.subject(user)
            } catch let error as ChatError where error == .userNotFound {
                throw RuntimeError("user '\(user)' does not exist (chatctl users list shows them; a deleted user is named by its id)")
            }
            plan = try await eraser.plan(subject)
        } catch {
            try await session.audited(Self.command, target: user, arguments: arguments) { () throws -> Void in throw error }
            throw error
        }
        arguments["user_id"] = subject.id.hex
        arguments["account"] = plan.account ? "present" : "gone"
        arguments["found_live"] = "\(plan.messages.live)"
        arguments["found_archived"] = "\(plan.messages.archived)"
        arguments["rooms"] = "\(plan.rooms)"
        let name: String
        switch subject {
        case .user(let found): name = "\(found.username) (\(found.email), id \(found.id))"
        case .deleted(let id): name = "the deleted user \(id)"
        }
        if !format.json {
            print("\(user): \(plan.messages.total) messages to redact (\(plan.messages.live) live, \(plan.messages.archived) archived), \(plan.rooms) rooms, account \(plan.account ? "present" : "gone")")
        }
        let report = try await session.audited(Self.command, target: user, arguments: arguments) { () async throws -> EraseUser.Report in
            try confirmation.require(
                "Erase \(name): redact its \(plan.messages.total) messages, delete its notifications, take it out of \(plan.rooms) rooms"
                    + (plan.account ? " and delete the account" : "") + "? This cannot be undone.")
            let line = ProgressLine(enabled: !format.json && isatty(STDERR_FILENO) == 1)
            let outcome = try await eraser(subject, options: EraseUser.Options(batchSize: batchSize, pause: .milliseconds(pauseMs)), by: AuditActor.current().description) {
                done, total in line.update(done: done, total: total, noun: "redacted")
            }
            line.finish()
            return outcome
        }
        if format.json {
            try OutputJSON.print(Output(user: user, userID: subject.id.hex, found: plan, report: report))
        } else {
            print(
                "erased \(user) (\(subject.id)): \(report.messagesRedacted) messages redacted in \(report.batches) batches, "
                    + "\(report.notificationsRedacted) notifications of them emptied, \(report.notificationsDeleted) received deleted, "
                    + "\(report.membershipsRemoved) memberships removed, account \(report.accountDeleted ? "deleted" : "already gone"); "
                    + "live sockets are closed and their rooms told within a second")
        }
    }

    /// `--json`: what was found and what was done.
    struct Output: Encodable {
        var user: String
        var userID: String
        /// Left to erase when the run started.
        var found: EraseUser.Plan
        var messagesRedacted: Int
        var batches: Int
        var notices: Int
        var notificationsRedacted: Int
        var notificationsDeleted: Int
        var membershipsRemoved: Int
        var accountDeleted: Bool

        init(user: String, userID: String, found: EraseUser.Plan, report: EraseUser.Report) {
            self.user = user
            self.userID = userID
            self.found = found
            messagesRedacted = report.messagesRedacted
            batches = report.batches
            notices = report.notices
            notificationsRedacted = report.notificationsRedacted
            notificationsDeleted = report.notificationsDeleted
            membershipsRemoved = report.membershipsRemoved
            accountDeleted = report.accountDeleted
        }
    }
}
