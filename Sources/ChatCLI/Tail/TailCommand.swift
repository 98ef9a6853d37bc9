import ArgumentParser
import ChatCore
import ChatRuntime
import Foundation
import KitSupport
import UnixSignals
#if canImport(Glibc)
import Glibc
#endif

/// `chatctl tail ROOM [--since ID | --last N] [--json]`: a room's messages as they are
/// stored, until SIGINT or SIGTERM.
struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print a room's messages as they are stored, from every node, until interrupted.",
        discussion: """
            Starts with the room's last \(FollowRoom.defaultRecentCount) messages (--last N, 0 for none), or with \
            every message after --since ID (an `id` as `messages list` or `tail --json` print it, to resume), \
            then prints each message stored in the room, whichever node took it, once and in the room's \
            order (by seq; on MongoDB the Go service's messages, which have none, by time), until SIGINT \
            or SIGTERM (exit 0). One line per message: time, sender, content (a redacted message as \
            "(redacted)"); --json: one JSON object per line with id, seq, room, sender_id, sender, content, \
            timestamp, and "redacted": true for a redacted message. Every line is written out at once.

            With Redis (redis.uri, REDIS_URI) messages arrive through the chat nodes' fan-out as they are \
            broadcast; the store is read after every (re)subscription, so nothing published while the \
            subscription was down is missed, and every 5 s. Without Redis (the embedded default) the store \
            is read every half second. When the store or Redis stops answering, a warning goes to stderr \
            once per outage; the tail retries and resumes where it stood. Run it wherever the store (and \
            Redis) can be reached; it needs no chat node and changes nothing.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The room (by name).", valueName: "room"))
    var room: String

    @Option(name: .long, help: ArgumentHelp("Start after this message (24 hexadecimal digits): every message stored since comes first.", valueName: "id"))
    var since: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Start with the room's N most recent messages (0–\(FollowRoom.maxRecentCount); default \(FollowRoom.defaultRecentCount)).",
            valueName: "n"))
    var last: Int?

    @Flag(name: .long, help: "Print one JSON object per line.")
    var json = false

    func validate() throws {
        if let since, ObjectID(hex: since) == nil { throw ValidationError("--since: '\(since)' is not a message id (24 hexadecimal digits)") }
        if since != nil, last != nil { throw ValidationError("--since and --last cannot be combined") }
        if let last, !(0...FollowRoom.maxRecentCount).contains(last) {
            throw ValidationError("--last must be between 0 and \(FollowRoom.maxRecentCount)")
        }
    }

    func run() async throws {
        // Trapped before anything connects: a signal at any point ends the tail with 0.
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        let start = try startPoint()
        let output = TailOutput(json: json)
        do {
            try await OperatorSession.run(global) { session in
                let backends = session.backends
                let follow = FollowRoom(
                    rooms: backends.store, messages: backends.store, feed: backends.fanoutFeed,
                    timing: FollowRoom.Timing(retryDelay: { Backoff.delay(afterFailures: $0) }))
                let started = try await Self.started(follow, room: room, from: start)
                if isatty(2) != 0 {
                    let how = backends.fanoutFeed == nil ? "reading the store every half second" : "through the Redis fan-out"
                    TailOutput.note("following '\(started.room.name)' \(how); Ctrl-C stops")
                }
                try output.emit(started.first)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await follow.follow(from: started.follower) { try output.show($0) } }
                    group.addTask {
                        for await _ in signals { return }
                    }
                    // Whichever ends first (a signal; stdout gone) ends the other.
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch is TailOutput.Closed {
            // The reader went away (`chatctl tail ROOM | head`): nothing more to print.
        }
    }

    /// `--since` or `--last` (checked by `validate()`).
    private func startPoint() throws -> FollowRoom.Start {
        guard let since else { return .recent(last ?? FollowRoom.defaultRecentCount) }
        guard let id = ObjectID(hex: since) else { throw ValidationError("--since: '\(since)' is not a message id (24 hexadecimal digits)") }
        return .after(id)
    }

    /// The room and where to begin, or an error naming what is not there.
    private static func started(_ follow: FollowRoom, room: String, from start: FollowRoom.Start) async throws -> FollowRoom.Started {
        do {
            return try await follow.start(room: room, from: start)
        } catch let error as ChatError where error == .roomNotFound {
            throw RuntimeError("room '\(room)' does not exist")
        } catch let error as ChatError where error.field == "since" {
            throw RuntimeError("--since: \(error.message)")
        }
    }
}
