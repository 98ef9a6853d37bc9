import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation

/// Room rules, mutes and bans as commands read them from the command line and print them
/// (`rooms set|show|mute`, `users ban|show`): one place for their wording and their
/// `--json` shape.
enum RestrictionText {
    /// A length like `10s`, `90m`, `1h30m`, `7d` (`--for`, `--slow-mode`), in seconds.
    static func seconds(_ text: String, option: String) throws -> TimeInterval {
        do {
            return try AgeCutoff.duration(text, field: option)
        } catch let error as ChatError {
            throw ValidationError("--\(option): \(error.message)")
        }
    }

    /// `3600` → `1h`, `5400` → `1h30m`, `10` → `10s`.
    static func length(_ seconds: Int) -> String {
        guard seconds > 0 else { return "0s" }
        let units: [(String, Int)] = [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)]
        var rest = seconds
        var text = ""
        for (name, size) in units where rest >= size {
            text += "\(rest / size)\(name)"
            rest %= size
        }
        return text
    }

    /// Usernames or ids separated by commas (`--add-moderators alice,bob`), as users.
    static func users(_ list: String?, in store: any ChatStore) async throws -> [User] {
        guard let list else { return [] }
        var users: [User] = []
        for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            users.append(try await UserLookup.user(name, in: store))
        }
        return users
    }

    /// A user by id as shown: its username, or the id when it no longer exists.
    struct UserRef: Encodable {
        var id: String
        var username: String?

        static func make(_ id: ObjectID, in store: any ChatStore) async throws -> UserRef {
            UserRef(id: id.hex, username: try await store.user(id: id)?.username)
        }

        var shown: String { username ?? "unknown user \(id)" }
    }

    /// A room's rules as `--json` prints them.
    struct Rules: Encodable {
        var readOnly: Bool
        /// 0: slow mode is off.
        var slowModeSeconds: Int
        var moderators: [UserRef]
        var topic: String?
        /// The room's own archive age; absent: `scheduler.archive_older_than` applies.
        var archiveAfterSeconds: Int?
        /// The room's own retention, `none` (archived messages kept) or a length (`90d`);
        /// absent: `retention.default` applies.
        var retention: String?
        /// The room's own retention in seconds, when it is a length.
        var retentionSeconds: Int?

        static func make(_ rules: RoomRules, in store: any ChatStore) async throws -> Rules {
            var moderators: [UserRef] = []
            for id in rules.moderators { moderators.append(try await UserRef.make(id, in: store)) }
            return Rules(
                readOnly: rules.readOnly, slowModeSeconds: rules.slowModeSeconds, moderators: moderators, topic: rules.topic,
                archiveAfterSeconds: rules.archiveAfterSeconds, retention: rules.retention.map(RestrictionText.retention),
                retentionSeconds: rules.retention?.seconds)
        }

        /// One line: `read-only, slow mode 10s, moderators alice, bob, archive after 7d,
        /// retention 90d` (or `none`); the lifecycle only when the room has its own.
        var summary: String {
            var parts: [String] = []
            if readOnly { parts.append("read-only") }
            if slowModeSeconds > 0 { parts.append("slow mode \(RestrictionText.length(slowModeSeconds))") }
            if !moderators.isEmpty { parts.append("moderators \(moderators.map(\.shown).joined(separator: ", "))") }
            if let archiveAfterSeconds { parts.append("archive after \(RestrictionText.length(archiveAfterSeconds))") }
            if let retention { parts.append("retention \(retention)") }
            return parts.isEmpty ? "none" : parts.joined(separator: ", ")
        }
    }

    /// `none` or the length (`90d`).
    static func retention(_ retention: Retention) -> String {
        retention.seconds.map(length) ?? "none"
    }

    /// A mute as `--json` prints it.
    struct Mute: Encodable {
        var room: String
        var roomId: String
        var user: String?
        var userId: String
        /// Absent: until lifted.
        var until: String?
        var reason: String?
        var by: String
        var at: String

        init(_ mute: RoomMute, room: String, user: String?) {
            self.room = room
            roomId = mute.roomID.hex
            self.user = user
            userId = mute.userID.hex
            until = mute.until.map(RFC3339.string(from:))
            reason = mute.reason
            by = mute.by
            at = RFC3339.string(from: mute.at)
        }

        /// `bob until 2026-…Z (spam)` or, for a room, `in lobby until …`.
        func shown(naming what: String) -> String {
            "\(what) \(until.map { "until \($0)" } ?? "until unmuted")\(reason.map { " (\($0))" } ?? "")"
        }
    }

    /// A ban as `--json` prints it (also one that ended: it still refuses older tokens).
    struct BanRow: Encodable {
        var at: String
        /// Absent: until lifted.
        var until: String?
        var reason: String?
        var by: String
        /// Whether it holds now.
        var active: Bool

        init(_ ban: Ban, now: Date = Date()) {
            at = RFC3339.string(from: ban.at)
            until = ban.until.map(RFC3339.string(from:))
            reason = ban.reason
            by = ban.by
            active = ban.isActive(at: now)
        }

        /// `banned until 2026-…Z (spam), since …` / `ban ended 2026-…Z`.
        var shown: String {
            guard active else { return "ban ended \(until ?? at)" }
            return "banned \(until.map { "until \($0)" } ?? "until unbanned")\(reason.map { " (\($0))" } ?? ""), since \(at) by \(by)"
        }
    }

    /// `active`, `disabled` or `banned`: the user's standing now, as tables show it.
    static func status(_ user: User, now: Date = Date()) -> String {
        switch user.standing(at: now) {
        case .active: "active"
        case .disabled: "disabled"
        case .banned: "banned"
        }
    }
}
