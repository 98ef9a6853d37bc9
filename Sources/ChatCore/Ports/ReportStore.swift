import Foundation

/// What `ReportStore.resolveReport` found.
public enum ReportResolveOutcome: Sendable, Equatable {
    /// It was open and is resolved now: the report as it is now.
    case resolved(Report)
    /// Someone resolved it before: the report as that left it (nothing changed).
    case alreadyResolved(Report)
    /// There is no report with this id.
    case notFound
}

/// Members' reports of messages (`POST /api/message/report/`) and how operators resolved
/// them (`chatctl reports list|resolve`): SQLite `reports`, MongoDB `chatctl_reports`.
public protocol ReportStore: Sendable {
    /// Stores a new report.
    /// - Throws: `ChatError.reportExists` when its reporter already reported its message
    ///   (a unique key on reporter and message decides, never a read before the write).
    func insertReport(_ report: Report) async throws
    /// The reports `query` asks for, newest first (by creation time, then id), at most `query.limit`.
    func reports(_ query: ReportQuery) async throws -> [Report]
    /// The report with this id; nil when there is none.
    func report(id: ObjectID) async throws -> Report?
    /// Resolves the report if it is still open, in one atomic step of the store, so of two
    /// operators resolving it at once one wins and the other is told `alreadyResolved`.
    func resolveReport(id: ObjectID, resolution: Report.Resolution) async throws -> ReportResolveOutcome
}
