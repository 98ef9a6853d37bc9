import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl rooms set ROOM [--read-only|--no-read-only] [--slow-mode INTERVAL|off]
/// [--add-moderators U,…] [--remove-moderators U,…] [--topic TEXT|--no-topic]
/// [--archive-after AGE|default] [--retention AGE|none|default] [--json]`.
struct RoomsSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change a room's rules: read-only, slow mode, moderators, topic, archive age, retention.",
        discussion: """
            A read-only room takes posts from its moderators only; the others get an error frame \
            naming the rule ({"error":"room is read-only: only its moderators post"}) and still read \
            the room. In slow mode each user posts at most one message per interval ({"error":"slow \
            mode: next message allowed in 7s"}); moderators are not slowed. The interval is counted \
            on each chat node, so a user with sockets on several nodes may post once per node per \
            interval. Every running chat node applies a change within about a second (it is written \
            to the store, which every node reads). Options not given leave their rule as it is; \
            rooms show prints the rules.

            --archive-after and --retention set the room's own data lifecycle, which the scheduler \
            applies on its next archive run: its messages are archived once older than the archive \
            age (default: scheduler.archive_older_than), and its archived messages are deleted once \
            older than the retention, counted from when they were posted (default: retention.default; \
            none keeps them). Only archived messages are deleted: a message is archived first, and in \
            the same run deleted if it is also past the retention. `default` makes the room follow the \
            setting again. chatctl archive plan shows what the next run would do.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The room (by name).", valueName: "room"))
    var room: String

    @Flag(inversion: .prefixedNo, help: "Only the room's moderators post (--no-read-only: everyone posts again).")
    var readOnly: Bool?

    @Option(name: .long, help: ArgumentHelp("One message per user per interval: 10s, 2m, 1h (at most 6h), or off.", valueName: "interval"))
    var slowMode: String?

    @Option(name: .long, help: ArgumentHelp("Make these users the room's moderators (usernames or ids, comma-separated).", valueName: "users"))
    var addModerators: String?

    @Option(name: .long, help: ArgumentHelp("Take these users off the room's moderators (usernames or ids, comma-separated).", valueName: "users"))
    var removeModerators: String?

    @Option(name: .long, help: ArgumentHelp("What the room is about (one line, at most 300 bytes).", valueName: "text"))
    var topic: String?

    @Flag(name: .long, help: "Remove the room's topic.")
    var noTopic = false

    @Option(name: .long, help: ArgumentHelp("Archive the room's messages once this old: 12h, 7d, 2w, or default (scheduler.archive_older_than).", valueName: "age"))
    var archiveAfter: String?

    @Option(name: .long, help: ArgumentHelp("Delete the room's archived messages once this old: 90d, 52w; none keeps them; default (retention.default).", valueName: "age"))
    var retention: String?

    @OptionGroup var format: JSONOption

    func validate() throws {
        guard readOnly != nil || slowMode != nil || addModerators != nil || removeModerators != nil || topic != nil || noTopic || archiveAfter != nil
            || retention != nil
        else {
            throw ValidationError(
                "nothing to change: give --read-only, --no-read-only, --slow-mode, --add-moderators, --remove-moderators, --topic, --no-topic, --archive-after or --retention")
        }
        if topic != nil, noTopic { throw ValidationError("--topic and --no-topic exclude each other") }
        _ = try slowModeSeconds()
        _ = try archiveAfterChange()
        _ = try retentionChange()
    }

    /// `--archive-after`: whole seconds, or back to the default; nil when not given.
    func archiveAfterChange() throws -> RoomRules.Change.Override<Int>? {
        guard let archiveAfter else { return nil }
        if archiveAfter.lowercased() == "default" { return .useDefault }
        let seconds = try RestrictionText.seconds(archiveAfter, option: "archive-after")
        do {
            return .set(try InputRules.validateLifecycleSeconds(seconds, field: "archive-after"))
        } catch let error as ChatError {
            throw ValidationError("--archive-after: \(error.message)")
        }
    }

    /// `--retention`: a length, none (kept forever), or back to the default; nil when not given.
    func retentionChange() throws -> RoomRules.Change.Override<Retention>? {
        guard let retention else { return nil }
        if retention.lowercased() == "default" { return .useDefault }
        do {
            return .set(try Retention.parse(retention, field: "retention"))
        } catch let error as ChatError {
            throw ValidationError("--retention: \(error.message) (or default)")
        }
    }

    /// `--slow-mode` in whole seconds (0 for `off`), nil when not given.
    func slowModeSeconds() throws -> Int? {
        guard let slowMode else { return nil }
        if ["off", "0", "none"].contains(slowMode.lowercased()) { return 0 }
        let seconds = try RestrictionText.seconds(slowMode, option: "slow-mode")
        guard seconds == seconds.rounded(), InputRules.slowModeSeconds.contains(Int(seconds)) else {
            throw ValidationError("--slow-mode must be whole seconds from 1s to 6h, or off")
        }
        return Int(seconds)
    }

    /// What the audit trail records: the options given.
    var auditArguments: [String: String] {
        var arguments: [String: String] = [:]
        if let readOnly { arguments["read_only"] = "\(readOnly)" }
        if let slowMode { arguments["slow_mode"] = slowMode }
        if let addModerators { arguments["add_moderators"] = addModerators }
        if let removeModerators { arguments["remove_moderators"] = removeModerators }
        if let topic { arguments["topic"] = topic }
        if noTopic { arguments["no_topic"] = "true" }
        if let archiveAfter { arguments["archive_after"] = archiveAfter }
        if let retention { arguments["retention"] = retention }
        return arguments
    }

    struct Output: Encodable {
        var room: String
        var roomId: String
        var rules: RestrictionText.Rules
    }

    func run() async throws {
        try await OperatorSession.runAudited(global, "rooms set", target: room, arguments: auditArguments) { session in
            let store = session.backends.store
            let found = try await RoomAdministration(store: store, cache: session.backends.cache, logger: session.logger).room(named: room)
            let added = try await RestrictionText.users(addModerators, in: store).map(\.id)
            let removed = try await RestrictionText.users(removeModerators, in: store).map(\.id)
            var topicChange: RoomRules.Change.Topic?
            if noTopic { topicChange = .clear } else if let topic { topicChange = .set(topic) }
            let change = RoomRules.Change(
                readOnly: readOnly, slowModeSeconds: try slowModeSeconds(), addModerators: added, removeModerators: removed, topic: topicChange,
                archiveAfter: try archiveAfterChange(), retention: try retentionChange())
            let changed = try await RoomRestrictions(store: store, logger: session.logger).setRules(change, of: found)
            let output = Output(room: changed.name, roomId: changed.id.hex, rules: try await RestrictionText.Rules.make(changed.rules, in: store))
            if format.json {
                try OutputJSON.print(output)
            } else {
                print("rules of \(changed.name): \(output.rules.summary); every chat node applies them within a second")
                if let topic = output.rules.topic { print("  topic: \(topic)") }
            }
        }
    }
}
