/// What the browser client at `/` is told about where things are (`/client-config.json`):
/// the page reaches the chat service at its own origin, and the notification service,
/// which listens on a port of its own, at `notifyURL` or its own host on `notifyPort`.
public struct WebClientSettings: Sendable, Equatable {
    /// The notification service's WebSocket address as browsers reach it
    /// (`notify.public_url`, e.g. `wss://notify.example.com`); nil: the page's own host on
    /// `notifyPort`, over `wss:` when the page came over HTTPS.
    public var notifyURL: String?
    /// The notification service's port (`notify.port`), used when `notifyURL` is nil.
    public var notifyPort: Int

    public init(notifyURL: String?, notifyPort: Int) {
        self.notifyURL = notifyURL
        self.notifyPort = notifyPort
    }
}
