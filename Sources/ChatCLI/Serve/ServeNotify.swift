import ArgumentParser

/// `chatctl serve notify`: the notification service, default port 8080.
struct ServeNotify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Run the notification service: consumes message events, stores and pushes notifications.",
        discussion: """
            Consumes queue send_notification on RabbitMQ (rabbitmq.url / RABBITMQ_URL; required — without \
            RabbitMQ run chat and notify together with `chatctl serve all`). For every event it stores one \
            notification per room member other than the sender (online or not) and pushes it to the member's \
            sockets on /ws/join-notification/ (JWT as for the chat service). REST: GET /api/notifications/ \
            (?unseen=true, limit, before) and POST /api/notifications/seen/ with {"ids":[...]} or {"all":true}. \
            Events are acked only once stored; malformed ones go to send_notification.dead with the reason.
            """
    )

    @OptionGroup var options: ServeOptions

    func run() async throws {
        try await ServeRunner.run(roles: [.notify], options: options)
    }
}
