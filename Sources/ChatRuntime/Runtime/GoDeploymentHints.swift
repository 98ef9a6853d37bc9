import ChatBackends
import ChatCore

/// Warnings for a chatctl started with the Go system's configuration, whose own files
/// disagree with its code: its `.env` sets `DATABASE_NAME=chatapp` while the Go code
/// hard-codes database `chat_app`, and it has no `RABBITMQ_URL` because the Go code
/// hard-codes its broker (`amqp://guest:guest@rabbitmq:5672/`). Logged at start-up and
/// shown by `chatctl doctor`.
public enum GoDeploymentHints {
    /// The database the Go services use whatever `DATABASE_NAME` says.
    public static let goDatabase = "chat_app"

    /// A warning when the configured database is empty and `chat_app` is not.
    public static func database(_ store: MongoChatStore) async -> String? {
        guard store.database != goDatabase else { return nil }
        guard let empty = try? await !store.hasUsersOrRooms(), empty,
            (try? await store.hasUsersOrRooms(inDatabase: goDatabase)) == true
        else { return nil }
        return "database '\(store.database)' (\(SettingKey.mongoDatabase.key)) is empty but '\(goDatabase)' has users or rooms: "
            + "the Go services use '\(goDatabase)' whatever DATABASE_NAME says (their .env sets chatapp); "
            + "set DATABASE_NAME=\(goDatabase) to serve the same data"
    }

    /// A warning when RabbitMQ credentials are set but no URL: nothing is published.
    public static func broker(_ settings: Settings) -> String? {
        guard settings.rabbitMQURL == nil, settings.string(.rabbitMQUsername) != nil || settings.string(.rabbitMQPassword) != nil else { return nil }
        return "RabbitMQ credentials are set but \(SettingKey.rabbitMQURL.key) (RABBITMQ_URL) is not, so no message events are published "
            + "and the notification service gets none: the Go services hard-code amqp://rabbitmq:5672/; set RABBITMQ_URL=amqp://rabbitmq:5672/"
    }
}
