import ChatCore
import Hummingbird

/// The node's gentle drain (`chatctl nodes drain`):
///
/// - `POST /admin/drain` with `{"batch": n, "every_ms": n, "deadline_ms": n}` (a JSON
///   object; each field optional, `DrainPlan`'s defaults: 200 sockets, 1000 ms, 120000 ms)
///   starts it: before the answer the node refuses new sockets and `/readyz` says 503
///   `draining`; then `batch` sockets every `every_ms` get a `reconnect` frame and close
///   1012, and what is left at `deadline_ms` goes at once. Answers the status
///   (`DrainStatus`); 409 `{"error","field":"state"}` once a drain started (one per start
///   of the process); 400 naming a field out of range. Logged with the operator.
/// - `GET /admin/drain` answers the status now: `{"node","state","open","closed",…}`.
public struct DrainAdminRoutes: AdminRoutes {
    let drain: NodeDrain

    public init(drain: NodeDrain) { self.drain = drain }

    /// The body of `POST /admin/drain`, as sent; `DrainPlan` checks it.
    struct StartRequest: Decodable {
        var batch: Int?
        var everyMilliseconds: Int?
        var deadlineMilliseconds: Int?

        enum CodingKeys: String, CodingKey {
            case batch
            case everyMilliseconds = "every_ms"
            case deadlineMilliseconds = "deadline_ms"
        }
    }

    /// The status as the answer's whole body.
    struct Answer: ResponseEncodable {
        var status: DrainStatus

        func encode(to encoder: any Encoder) throws { try status.encode(to: encoder) }
    }

    public func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        let drain = self.drain
        group.get("drain") { _, _ -> Answer in
            Answer(status: drain.status())
        }
        group.post("drain") { request, context -> Answer in
            let body = try await JSONBody.decode(StartRequest.self, from: request, context: context)
            let plan = try DrainPlan(batch: body.batch, everyMilliseconds: body.everyMilliseconds, deadlineMilliseconds: body.deadlineMilliseconds)
            let status = try drain.start(plan)
            context.logger.notice("gentle drain requested by an operator", metadata: [
                "subject": "\(context.operatorClaims?.subject ?? "")", "batch": "\(plan.batch)", "every_ms": "\(plan.everyMilliseconds)",
                "deadline_ms": "\(plan.deadlineMilliseconds)", "open": "\(status.open)",
            ])
            return Answer(status: status)
        }
    }
}
