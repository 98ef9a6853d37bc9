import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// `chatctl archive plan [--room R] [--json]`.
struct ArchivePlan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Per room, what the next archive run would archive and delete; changes nothing.",
        discussion: """
            For every room (or --room): the archive age and the retention that apply and where each \
            comes from (room: rooms set --archive-after/--retention; default: scheduler.archive_older_than, \
            retention.default — read from this command's configuration, so give it the scheduler's), the \
            cut-offs, and the messages due: those to archive (live messages older than the archive age) \
            and those to delete (archived messages older than the retention, and live ones past both, \
            which the run archives first), each with its count, oldest and newest time and id. Rooms \
            that no longer exist but still have messages due are listed too (without a name). The \
            scheduler's next archive run, or chatctl archive run without --older-than, does this (plus \
            whatever grows old in between). Takes no lock and writes nothing.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Only this room (by name).", valueName: "room"))
    var room: String?

    @OptionGroup var format: JSONOption

    func run() async throws {
        try await OperatorSession.run(global) { session in
            let store = session.backends.store
            let roomID = try await RoomLookup.id(named: room, in: store)
            let plan = try await LifecyclePlanner(store: store, defaults: session.settings.lifecycleDefaults).plan(room: roomID)
            if format.json {
                try OutputJSON.print(LifecycleOutput.Plan(plan))
                return
            }
            let defaults = LifecycleOutput.Applied(plan.defaults.asDefault)
            print("plan at \(RFC3339.string(from: plan.at)): \(plan.archiveCount) messages to archive, \(plan.deleteCount) to delete, in \(plan.due.count) of \(plan.rooms.count) rooms; nothing changed")
            print("defaults: archive after \(RestrictionText.length(defaults.archiveAfterSeconds)) (scheduler.archive_older_than), retention \(defaults.retention) (retention.default)")
            LifecycleOutput.printTable(plan.rooms)
        }
    }
}
