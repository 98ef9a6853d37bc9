import ChatCore
import Logging
import ServiceLifecycle

/// Runs `RelayPendingEvents` every `interval` on a chat node that publishes to RabbitMQ:
/// events of messages stored while the broker was away, left behind by a node that died
/// before it could publish them, go out from whichever node is up.
struct PendingEventRelay: Service {
    let relay: RelayPendingEvents
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await Periodic.run(every: interval) {
            do {
                try await relay()
            } catch {
                logger.warning("could not relay pending message events; retrying", metadata: ["error": "\(error)"])
            }
        }
    }
}
