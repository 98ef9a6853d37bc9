import ChatCore
import Foundation
import MongoKit

/// Members' reports on MongoDB: collection `chatctl_reports`, `{_id, message_id, room_id,
/// sender_id, reporter_id, reason, created_at, status: "open"|"resolved"}` plus, once
/// resolved, `{action, resolved_by, resolved_at, note}` (`note` only when given). A unique
/// index on `{reporter_id, message_id}` refuses a second report of one message by one
/// reporter; `{status, created_at}` lists them (`MongoLayout.indexes`).
extension MongoChatStore {
    static let reportsCollection = "chatctl_reports"

    public func insertReport(_ report: Report) async throws {
        do {
            try await collection(Self.reportsCollection).insertOne(MongoLayout.document(report))
        } catch let error as MongoError where error.kind == .duplicateKey {
            throw ChatError.reportExists
        } catch let error as MongoError {
            throw ChatError.backend("the database", detail: "MongoDB: \(error.message)")
        }
    }

    public func reports(_ query: ReportQuery) async throws -> [Report] {
        var filter: BSONDocument = [:]
        if query.openOnly { filter["status"] = .string(Report.Status.open.rawValue) }
        if let roomID = query.roomID { filter["room_id"] = MongoLayout.value(roomID) }
        let selected = filter
        return try await mongo {
            try await collection(Self.reportsCollection).find(selected, options: .init(sort: ["created_at": -1, "_id": -1], limit: query.limit))
                .map(MongoLayout.report)
        }
    }

    public func report(id: ObjectID) async throws -> Report? {
        try await mongo { try await collection(Self.reportsCollection).findOne(["_id": MongoLayout.value(id)]).map(MongoLayout.report) }
    }

    /// One conditional update (`status: "open"` in the filter, atomic on the document),
    /// then the document read back says which it was.
    public func resolveReport(id: ObjectID, resolution: Report.Resolution) async throws -> ReportResolveOutcome {
        let filter: BSONDocument = ["_id": MongoLayout.value(id), "status": .string(Report.Status.open.rawValue)]
        let update: BSONDocument = ["$set": .document(MongoLayout.resolutionFields(resolution))]
        return try await mongo { () async throws -> ReportResolveOutcome in
            let reports = collection(Self.reportsCollection)
            let changed = try await reports.update(filter, update).matched == 1
            guard let stored = try await reports.findOne(["_id": MongoLayout.value(id)]).map(MongoLayout.report) else { return .notFound }
            return changed ? .resolved(stored) : .alreadyResolved(stored)
        }
    }
}

/// `chatctl_reports` documents.
extension MongoLayout {
    static func document(_ report: Report) -> BSONDocument {
        var document: BSONDocument = [
            "_id": value(report.id), "message_id": value(report.messageID), "room_id": value(report.roomID),
            "sender_id": value(report.senderID), "reporter_id": value(report.reporterID), "reason": .string(report.reason),
            "created_at": value(report.createdAt), "status": .string(report.status.rawValue),
        ]
        if let resolution = report.resolution {
            for (key, field) in resolutionFields(resolution).fields { document[key] = field }
        }
        return document
    }

    /// `{status: "resolved", action, resolved_by, resolved_at, note}` (the note only when given).
    static func resolutionFields(_ resolution: Report.Resolution) -> BSONDocument {
        var fields: BSONDocument = [
            "status": .string(Report.Status.resolved.rawValue), "action": .string(resolution.action.rawValue),
            "resolved_by": .string(resolution.by), "resolved_at": value(resolution.at),
        ]
        if let note = resolution.note { fields["note"] = .string(note) }
        return fields
    }

    static func report(_ document: BSONDocument) throws -> Report {
        var state = Report.State.open
        if document.string("status") == Report.Status.resolved.rawValue {
            let action = document.string("action").flatMap { Report.Action(rawValue: $0) } ?? Report.Action.none
            state = .resolved(
                Report.Resolution(action: action, by: document.string("resolved_by") ?? "", at: date(document, "resolved_at"), note: document.string("note")))
        }
        return Report(
            id: try id(document, "_id"), messageID: try id(document, "message_id"), roomID: try id(document, "room_id"),
            senderID: try id(document, "sender_id"), reporterID: try id(document, "reporter_id"), reason: document.string("reason") ?? "",
            createdAt: date(document, "created_at"), state: state)
    }
}
