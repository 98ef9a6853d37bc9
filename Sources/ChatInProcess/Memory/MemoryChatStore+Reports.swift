import ChatCore
import Foundation

/// Members' reports of messages, in memory: one per reporter and message.
extension MemoryChatStore {
    public func insertReport(_ report: Report) async throws {
        guard !reportsByID.values.contains(where: { $0.reporterID == report.reporterID && $0.messageID == report.messageID }) else {
            throw ChatError.reportExists
        }
        reportsByID[report.id] = report
    }

    public func reports(_ query: ReportQuery) async throws -> [Report] {
        Array(reportsByID.values.filter(query.matches).sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.prefix(query.limit))
    }

    public func report(id: ObjectID) async throws -> Report? { reportsByID[id] }

    public func resolveReport(id: ObjectID, resolution: Report.Resolution) async throws -> ReportResolveOutcome {
        guard var report = reportsByID[id] else { return .notFound }
        guard report.status == .open else { return .alreadyResolved(report) }
        report.state = .resolved(resolution)
        reportsByID[id] = report
        return .resolved(report)
    }
}
