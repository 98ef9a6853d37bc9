import ArgumentParser

/// `chatctl serve chat`: the chat service (REST + WebSocket rooms), default port 8000.
struct ServeChat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Run the chat service: REST signup/login/rooms and WebSocket rooms on /ws/join/?name=ROOM."
    )

    @OptionGroup var options: ServeOptions

    func run() async throws {
        try await ServeRunner.run(roles: [.chat], options: options)
    }
}
