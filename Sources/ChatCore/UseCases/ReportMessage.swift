import Foundation
import Logging

/// A member reports a message of one of its rooms (`POST /api/message/report/`), for an
/// operator to resolve (`chatctl reports list|resolve`).
///
/// The message may be live or archived. A reporter that is not a member of the message's
/// room gets the answer of a message that does not exist (404), so a report tells no one
/// whether a message id exists in a room they are not in. One report per reporter and
/// message (a second is 409); `limits.reports_per_hour` per reporter (429).
public struct ReportMessage: Sendable {
    let store: any ChatStore
    let throttle: ReportThrottle?
    let logger: Logger

    /// - Parameter throttle: the reports-per-user limit shared by this server (none: no limit).
    public init(ports: ChatPorts, throttle: ReportThrottle? = nil) {
        self.init(store: ports.store, throttle: throttle, logger: ports.logger)
    }

    public init(store: any ChatStore, throttle: ReportThrottle? = nil, logger: Logger) {
        self.store = store
        self.throttle = throttle
        self.logger = logger
    }

    /// Checks in this order: the id and the reason (400, nothing counted), the limit (429),
    /// the message and the reporter's membership (404), a report before (409).
    /// - Parameters:
    ///   - messageID: the message id as the client sent it (24 hexadecimal digits).
    ///   - reason: the reporter's words: required, trimmed, at most `InputRules.reasonMaxBytes`.
    /// - Returns: the stored report (open).
    /// - Throws: `ChatError.invalid`/`.required` naming `id` or `reason`;
    ///   `ChatError.tooManyReports`; `ChatError.messageNotFound`; `ChatError.reportExists`.
    public func callAsFunction(messageID: String?, reason: String?, by reporter: User, now: Date = Date()) async throws -> Report {
        let id = try InputRules.validateMessageID(messageID)
        let reason = try InputRules.validateReportReason(reason)
        try await throttle?.admit(reporter.id)
        guard let located = try await store.locateMessage(id: id) else { throw ChatError.messageNotFound }
        let message = located.message
        guard let room = try await store.room(id: message.roomID), room.members.contains(reporter.id) else {
            throw ChatError.messageNotFound
        }
        let report = Report(
            messageID: message.id, roomID: room.id, senderID: message.senderID, reporterID: reporter.id, reason: reason, createdAt: now)
        try await store.insertReport(report)
        logger.info(
            "message reported",
            metadata: [
                "report_id": "\(report.id)", "message_id": "\(message.id)", "room": "\(room.name)", "reporter": "\(reporter.username)",
            ])
        return report
    }
}
