import ChatCore
import Foundation
import Logging
import ServiceLifecycle

/// Reads the store's moderation notices and acts on this node: for a deleted or redacted
/// message, drops the room's cached history (chatctl's and the Go service's entry), then
/// sends the room's sockets one `{"type":"deleted"|"redacted","id":…}` frame per message;
/// for changed rules or mutes (`rulesChanged`), reloads this node's copy of them
/// (`RoomRuleCache`), so a `chatctl rooms set|mute|unmute` holds here within a second.
///
/// Whoever moderates (a `chatctl messages …` command in a shell) writes to the store,
/// which every node shares in every deployment, so this works on the embedded default
/// and with Redis alike, as `SessionEndWatcher` does for session ends. Each poll looks
/// back `lookback` and remembers what it already acted on (`LogCursor`).
public struct ModerationWatcher: Service {
    let log: any ModerationNoticeLog
    let hub: RoomHub
    let cache: any RecentMessageCache
    let rules: RoomRuleCache
    let interval: Duration
    let lookback: TimeInterval
    let logger: Logger

    public init(
        log: any ModerationNoticeLog, hub: RoomHub, cache: any RecentMessageCache, rules: RoomRuleCache, interval: Duration = .seconds(1),
        lookback: TimeInterval = 10, logger: Logger
    ) {
        self.log = log
        self.hub = hub
        self.cache = cache
        self.rules = rules
        self.interval = interval
        self.lookback = lookback
        self.logger = logger
    }

    public func run() async throws {
        await LogCursor.follow(
            every: interval, lookback: lookback, read: { try await log.moderationNotices(since: $0) }, id: { $0.id }, at: { $0.at },
            readFailed: { logger.warning("could not read moderation notices; retrying", metadata: ["error": "\($0)"]) }
        ) { notice in
            guard notice.kind.framesMessages else {
                await reloadRules(notice)
                return
            }
            // The cache first: a client that rejoins on the frame reads the store.
            await cache.invalidate(room: notice.roomID, name: notice.roomName)
            let told = hub.moderate(notice)
            logger.info(
                "moderation notice", metadata: [
                    "kind": "\(notice.kind.rawValue)", "room": "\(notice.roomName)", "messages": "\(notice.messageIDs.count)", "sockets": "\(told)",
                ])
        }
    }

    /// The room's rules or mutes changed: this node's copy is reloaded (or, when the store
    /// does not answer, dropped, so that the room's next post loads it).
    private func reloadRules(_ notice: ModerationNotice) async {
        do {
            try await rules.refresh(roomID: notice.roomID)
            logger.info("room rules changed; this node applies them", metadata: ["room": "\(notice.roomName)"])
        } catch {
            logger.warning("could not reload the room's rules; its next post loads them", metadata: ["room": "\(notice.roomName)", "error": "\(error)"])
        }
    }
}
