import Hummingbird

/// One set of operator API routes (the node, its rooms, later its connections). The
/// operator API takes any number of them; each adds its routes to the `/admin` group,
/// behind the operator-token check.
public protocol AdminRoutes: Sendable {
    func addRoutes(to group: RouterGroup<AdminRequestContext>)
}
