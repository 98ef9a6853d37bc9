import ArgumentParser

/// `chatctl messages …`: single messages, for moderation.
struct MessagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "messages",
        abstract: "List a room's recent messages; show, delete or redact one message.",
        discussion: """
            A message is named by its id: the `id` of its frame, as `messages list ROOM` prints it. \
            `delete` removes it from the room's history and from archived_messages; `redact` keeps \
            its place (id, seq, sender, time) and removes its content. Either reaches every running \
            chat node within about a second through the store: the room's live sockets get \
            {"type":"deleted","id":…} or {"type":"redacted","id":…}, each node drops its cached \
            history of the room, and the next history frame, resume and `rooms show` no longer show \
            the content. Both are recorded in the audit trail (`chatctl audit list`).
            """,
        subcommands: [MessagesList.self, MessagesShow.self, MessagesDelete.self, MessagesRedact.self]
    )
}
