import ArgumentParser
import ChatCore
import ChatRuntime

/// `ID`, as `messages show|delete|redact` take it, and how those commands find it.
struct MessageIDArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The message id: 24 hexadecimal digits (the `id` of its frame).", valueName: "id"))
    var id: String

    func validate() throws {
        guard ObjectID(hex: id) != nil else { throw ValidationError("'\(id)' is not a message id (24 hexadecimal digits)") }
    }

    /// The id (checked by `validate()`).
    func objectID() throws -> ObjectID {
        guard let parsed = ObjectID(hex: id) else { throw ValidationError("'\(id)' is not a message id (24 hexadecimal digits)") }
        return parsed
    }

    /// The moderation use case on the session's store and cache.
    static func moderation(in session: OperatorSession) -> ModerateMessage {
        ModerateMessage(store: session.backends.store, cache: session.backends.cache, logger: session.logger)
    }

    /// The message, live or archived, or a clear error.
    static func find(_ id: ObjectID, with moderation: ModerateMessage) async throws -> LocatedMessage {
        do {
            return try await moderation.find(id: id)
        } catch let error as ChatError where error == .messageNotFound {
            throw RuntimeError("message \(id.hex) does not exist (neither in a room's history nor in the archive)")
        }
    }
}
