import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl users export USER [--output FILE] [--json]`.
struct UsersExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write everything the store holds about one user as one JSON document (profile, rooms, messages, notifications, ban, mutes).",
        discussion: """
            The document is one JSON object: format ("chatctl-user-export"), version, \
            exported_at, profile (id, username, email, created_at, disabled; never the password \
            hash), rooms (its memberships, with whether it moderates them), messages and \
            archived_messages (everything it sent, in the rooms' history and in the archive, \
            each oldest first, redacted ones with empty content), notifications (received, \
            newest first), ban (its latest, also one that ended, or null) and mutes (those that \
            hold). Who redacted, muted or banned it and a mute's reason are left out.

            It is written as it is read, a page at a time, so a user with a hundred thousand \
            messages never sits in memory: to standard output, or with --output to FILE, \
            written under a temporary name beside it (mode 0600) and renamed into place once \
            complete (an existing FILE is replaced whole or not at all). A progress line shows \
            on a terminal's stderr. Read-only: nothing is recorded in the audit trail.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The user (username or id).", valueName: "user"))
    var user: String

    @Option(name: .long, help: ArgumentHelp("Write the document to this file (replaced once complete) instead of standard output.", valueName: "file"))
    var output: String?

    @OptionGroup var format: JSONOption

    func validate() throws {
        if format.json, output == nil || output == "-" {
            throw ValidationError("--json needs --output FILE: without it standard output carries the export itself")
        }
    }

    func run() async throws {
        let summary = try await OperatorSession.run(global) { session -> Summary in
            let found = try await UserLookup.user(user, in: session.backends.store)
            let file = try ExportFile(path: output)
            let line = ProgressLine(enabled: !format.json && isatty(STDERR_FILENO) == 1)
            let counts: ExportUserData.Counts
            do {
                counts = try await ExportUserData(store: session.backends.store)(found, write: { try file.write($0) }) { done, total in
                    line.update(done: done, total: total, noun: "messages exported")
                }
                try file.commit()
            } catch {
                line.finish()
                file.discard()
                throw error
            }
            line.finish()
            return Summary(user: found.username, userID: found.id.hex, output: file.path, bytes: file.bytes, counts: counts)
        }
        guard let path = summary.output else { return }
        if format.json {
            try OutputJSON.print(summary)
        } else {
            let c = summary.counts
            print(
                "exported \(summary.user) to \(path) (\(summary.bytes) bytes): \(c.rooms) rooms, \(c.messages) messages, "
                    + "\(c.archivedMessages) archived, \(c.notifications) notifications, \(c.bans) ban, \(c.mutes) mutes")
        }
    }

    /// `--json`: where the export went and what it holds, per section.
    struct Summary: Encodable {
        var user: String
        var userID: String
        var output: String?
        var bytes: Int
        var counts: ExportUserData.Counts
    }
}
