import Foundation
import Logging

/// The audit trail of operator changes: every command that changes data runs its change
/// through `recording`, which records who ran it, on what, with which arguments and how
/// it ended — on success and on failure alike — in the store's `AuditLog`.
public struct AuditTrail: Sendable {
    let log: any AuditLog
    let actor: AuditActor
    let logger: Logger

    public init(log: any AuditLog, actor: AuditActor, logger: Logger) {
        self.log = log
        self.actor = actor
        self.logger = logger
    }

    /// Argument names whose values are never recorded, whatever a caller passes.
    static let secretNames = ["password", "secret", "token", "credential"]

    /// Longest error message kept in a record, in characters.
    static let errorMaxLength = 500

    /// Runs `change`, then records it: `ok`, or the error it threw (which is rethrown).
    /// A record that cannot be written is logged as a warning; it never replaces the
    /// command's own outcome (the change is made, or failed, either way).
    public func recording<Result>(
        _ command: String, target: String?, arguments: [String: String] = [:], _ change: () async throws -> Result
    ) async throws -> Result {
        let result: Result
        do {
            result = try await change()
        } catch {
            await record(command, target: target, arguments: arguments, outcome: .failed(Self.describe(error)))
            throw error
        }
        await record(command, target: target, arguments: arguments, outcome: .ok)
        return result
    }

    /// The records `query` asks for, newest first.
    public func records(_ query: AuditQuery) async throws -> [AuditRecord] {
        try await log.auditRecords(query)
    }

    private func record(_ command: String, target: String?, arguments: [String: String], outcome: AuditRecord.Outcome) async {
        let entry = AuditRecord(actor: actor, command: command, target: target, arguments: Self.withoutSecrets(arguments), outcome: outcome)
        do {
            try await log.recordAudit(entry)
        } catch {
            logger.warning("could not record the command in the audit trail", metadata: ["command": "\(command)", "error": "\(error)"])
        }
    }

    /// What a failure says, bounded.
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.count > errorMaxLength ? String(text.prefix(errorMaxLength)) + "…" : text
    }

    /// The arguments without any whose name names a secret, and URLs without their
    /// credentials (`amqp://user:pass@host/` → `amqp://host/`).
    static func withoutSecrets(_ arguments: [String: String]) -> [String: String] {
        var kept: [String: String] = [:]
        for (name, value) in arguments {
            let lowered = name.lowercased()
            guard !secretNames.contains(where: { lowered.contains($0) }) else { continue }
            kept[name] = withoutCredentials(value)
        }
        return kept
    }

    static func withoutCredentials(_ value: String) -> String {
        guard let scheme = value.range(of: "://") else { return value }
        let rest = value[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return value }
        return String(value[..<scheme.upperBound]) + String(rest[rest.index(after: at)...])
    }
}
