import ArgumentParser

/// `chatctl users …`: accounts, through the same rules as sign-up.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Create, list, inspect, disable, enable, ban, unban, delete and erase users; set passwords; purge a user's messages; export a user's data.",
        discussion: """
            Passwords are never taken from the command line: they come from a prompt without \
            echo on a terminal, the first line of standard input (--password-stdin) or the first \
            line of a file (--password-file).

            Disabling, banning, deleting or setting the password of a user closes its live \
            WebSockets (code 1008) on every running node within about a second: the change is \
            written to the store, which every node reads.
            """,
        subcommands: [
            UsersCreate.self, UsersList.self, UsersShow.self, UsersSetPassword.self, UsersDisable.self, UsersEnable.self, UsersBan.self,
            UsersUnban.self, UsersPurgeMessages.self, UsersExport.self, UsersDelete.self, UsersErase.self,
        ]
    )
}
