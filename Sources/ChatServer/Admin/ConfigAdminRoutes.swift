import ChatCore
import Hummingbird

/// `POST /admin/config/reload`: the node re-reads its configuration, as on SIGHUP, and
/// answers what it applied and what needs a restart (`{"applied": […], "needs_restart":
/// […]}`), or 422 `{"error", "key"}` when the configuration read is not valid (it then
/// keeps the one in force).
public struct ConfigAdminRoutes: AdminRoutes {
    let reloader: any ConfigReloading

    public init(reloader: any ConfigReloading) { self.reloader = reloader }

    public func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        let reloader = self.reloader
        group.post("config/reload") { _, context -> ConfigReloadReport in
            try await reloader.reload(trigger: "operator API (\(context.operatorClaims?.subject ?? "unknown operator"))")
        }
    }
}
