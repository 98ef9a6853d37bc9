import ArgumentParser
import ChatCore
import ChatRuntime

/// `chatctl reports resolve ID --action none|delete|redact|mute|ban [--for LENGTH] [--note TEXT] [--json]`.
struct ReportsResolve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve", abstract: "Resolve a report: act on the reported message, or not, and record who did what.",
        discussion: """
            --action none dismisses the report; delete and redact act on the reported message as \
            messages delete|redact do (its room's live sockets are told within about a second; a \
            message already deleted is nothing left to do); mute stops the message's sender posting \
            in the message's room, as rooms mute does; ban bans the sender, as users ban does \
            (logins and tokens refused, live sockets closed). --for (30m, 1h, 7d) bounds a mute or \
            a ban (default: until lifted) and is refused with the other actions. The note is kept \
            with the report and given as the reason of the action (a ban's reason is told to the \
            user when a login is refused). A report is resolved once: resolving it again is an \
            error naming how it was resolved. Recorded in the audit trail.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The report id: 24 hexadecimal digits (as reports list prints it).", valueName: "id"))
    var id: String

    @Option(name: .long, help: ArgumentHelp("What to do: none, delete, redact, mute (the sender, in the message's room) or ban (the sender).", valueName: "action"))
    var action: String

    @Option(name: .customLong("for"), help: ArgumentHelp("How long a mute or a ban lasts: 30m, 1h, 7d (default: until lifted).", valueName: "length"))
    var length: String?

    @Option(name: .long, help: ArgumentHelp("The operator's note (at most 500 bytes; kept with the report and in the audit trail).", valueName: "text"))
    var note: String?

    @OptionGroup var format: JSONOption

    func validate() throws {
        guard ObjectID(hex: id) != nil else { throw ValidationError("'\(id)' is not a report id (24 hexadecimal digits)") }
        let chosen = try chosenAction()
        if let length {
            guard chosen.takesLength else { throw ValidationError("--for applies only to --action mute or ban, not \(chosen.rawValue)") }
            _ = try RestrictionText.seconds(length, option: "for")
        }
    }

    /// `--action` as a `Report.Action`.
    func chosenAction() throws -> Report.Action {
        guard let chosen = Report.Action(rawValue: action.lowercased()) else {
            throw ValidationError("--action must be one of \(Report.Action.allCases.map(\.rawValue).joined(separator: ", ")), not '\(action)'")
        }
        return chosen
    }

    func run() async throws {
        guard let reportID = ObjectID(hex: id) else { throw ValidationError("'\(id)' is not a report id (24 hexadecimal digits)") }
        let chosen = try chosenAction()
        var arguments = ["action": chosen.rawValue]
        if let length { arguments["for"] = length }
        if let note { arguments["note"] = note }
        try await OperatorSession.runAudited(global, "reports resolve", target: reportID.hex, arguments: arguments) { session in
            let store = session.backends.store
            let seconds = try length.map { try RestrictionText.seconds($0, option: "for") }
            let resolve = ResolveReport(store: store, cache: session.backends.cache, hasher: session.backends.hasher, logger: session.logger)
            let outcome: ResolveReport.Outcome
            do {
                outcome = try await resolve(id: reportID, action: chosen, for: seconds, note: note, by: AuditActor.current().description)
            } catch let error as ChatError where error == .reportNotFound {
                throw RuntimeError("report \(reportID.hex) does not exist (chatctl reports list shows them)")
            }
            let row = try await ReportRow.rows([outcome.report], in: store)[0]
            let effect = Effect(outcome.effect)
            if format.json {
                try OutputJSON.print(Resolved(report: row, effect: effect))
            } else {
                print(effect.shown)
                print("resolved report \(row.id): \(row.shownStatus)")
            }
        }
    }

    /// What `--json` prints.
    struct Resolved: Encodable {
        var report: ReportRow
        var effect: Effect
    }

    /// What the action changed, as printed (`--json`: this object).
    struct Effect: Encodable {
        /// `nothing`, `deleted`, `redacted`, `message_gone`, `muted` or `banned`.
        var kind: String
        /// The message as it was (deleted) or is now (redacted).
        var message: MessageRow?
        /// Notifications of the message deleted or emptied.
        var notifications: Int?
        var mute: RestrictionText.Mute?
        /// The sender as it is now, banned.
        var user: UserLookup.Row?
        /// One line for people (not in `--json`).
        var shown: String

        enum CodingKeys: String, CodingKey {
            case kind, message, notifications, mute, user
        }

        init(_ effect: ResolveReport.Effect) {
            switch effect {
            case .nothing:
                kind = "nothing"
                shown = "no action taken"
            case .moderated(let outcome):
                let row = MessageRow(outcome.message)
                kind = outcome.kind.rawValue
                message = row
                notifications = outcome.notifications
                shown = "\(outcome.kind.rawValue) message \(row.id) in room \(row.room); its live sockets are told within a second"
            case .messageGone:
                kind = "message_gone"
                shown = "the message was already gone: nothing to delete or redact"
            case .muted(let mute, let user, let room):
                let row = RestrictionText.Mute(mute, room: room.name, user: user.username)
                kind = "muted"
                self.mute = row
                shown = "muted \(user.username) in \(room.name) \(row.until.map { "until \($0)" } ?? "until unmuted"); every chat node applies it within a second"
            case .banned(let user):
                kind = "banned"
                self.user = UserLookup.Row(user)
                let until = user.ban?.until.map { "until \(RFC3339.string(from: $0))" } ?? "until unbanned"
                shown = "banned \(user.username) \(until); its live sockets close within a second"
            }
        }
    }
}
