import ChatCore
import Hummingbird

/// `POST /api/message/report/` `{"id","reason"}`: a member reports a message of one of its
/// rooms for an operator to look at (`chatctl reports list|resolve`). chatctl's own call
/// (the Go service has none); errors are JSON `{"error","field"}` like the user calls.
struct ReportController {
    let ports: ChatPorts
    /// `limits.reports_per_hour`, shared by every report this server answers.
    let throttle: ReportThrottle

    struct ReportRequest: Decodable {
        var id: String?
        var reason: String?
    }

    /// The stored report, as the client sees it (snake_case, RFC 3339 times).
    struct ReportResponse: ResponseEncodable {
        var id: String
        var messageID: String
        var roomID: String
        var reason: String
        var status: String
        var createdAt: String

        enum CodingKeys: String, CodingKey {
            case id, reason, status
            case messageID = "message_id"
            case roomID = "room_id"
            case createdAt = "created_at"
        }

        init(_ report: Report) {
            id = report.id.hex
            messageID = report.messageID.hex
            roomID = report.roomID.hex
            reason = report.reason
            status = report.status.rawValue
            createdAt = RFC3339.string(from: report.createdAt)
        }
    }

    func addRoutes(to group: RouterGroup<ChatRequestContext>) {
        group.post("report", use: report)
    }

    @Sendable func report(request: Request, context: ChatRequestContext) async throws -> EditedResponse<ReportResponse> {
        let body = try await JSONBody.decode(ReportRequest.self, from: request, context: context)
        let reporter = try context.requireIdentity().user
        let report = try await ReportMessage(ports: ports, throttle: throttle)(messageID: body.id, reason: body.reason, by: reporter)
        return EditedResponse(status: .created, response: ReportResponse(report))
    }
}
