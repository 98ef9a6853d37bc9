import ArgumentParser

/// `chatctl rooms …`: rooms as the store holds them.
struct RoomsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rooms",
        abstract: "List, inspect, create and delete rooms; who is in them now; manage their members, rules and mutes; export and import their messages.",
        subcommands: [
            RoomsList.self, RoomsShow.self, RoomsWho.self, RoomsCreate.self, RoomsMembers.self, RoomsAddMember.self, RoomsRemoveMember.self, RoomsSet.self,
            RoomsMute.self, RoomsUnmute.self, RoomsExport.self, RoomsImport.self, RoomsDelete.self,
        ]
    )
}
