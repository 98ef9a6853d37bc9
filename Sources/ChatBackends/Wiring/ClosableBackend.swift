/// A backend a process opened: something to close once the services that use it have
/// stopped (or at once, when opening a later backend failed).
public protocol ClosableBackend: Sendable {
    /// Releases connections and threads; never throws, safe to call once per open.
    func close() async
}
