import ChatCore
import ChatRuntime
import Logging

/// The one way a command that changes data runs its change: through the store's audit
/// trail (`AuditTrail`), which records who ran it (OS user and host), when, on what,
/// with which arguments (never a secret: commands name what they pass, and names of
/// secrets are dropped anyway) and how it ended — on success and on failure alike.
/// Read-only commands and dry runs record nothing.
extension OperatorSession {
    /// The trail this session records into, as the OS user running the command.
    var auditTrail: AuditTrail {
        AuditTrail(log: backends.store, actor: AuditActor.current(), logger: logger)
    }

    /// Runs `change` and records it as `command` (`users disable`) on `target` (what the
    /// operator named), unless `recorded` is false (a dry run).
    func audited<R>(
        _ command: String, target: String?, arguments: [String: String] = [:], recorded: Bool = true, _ change: () async throws -> R
    ) async throws -> R {
        guard recorded else { return try await change() }
        return try await auditTrail.recording(command, target: target, arguments: arguments, change)
    }

    /// A session for a changing command: `body` runs, and is recorded, inside it.
    static func runAudited<R>(
        _ global: GlobalOptions, _ command: String, target: String?, arguments: [String: String] = [:],
        _ body: (OperatorSession) async throws -> R
    ) async throws -> R {
        try await run(global) { session in
            try await session.audited(command, target: target, arguments: arguments) { try await body(session) }
        }
    }

    /// As `runAudited(_:_:target:arguments:_:)`, with settings the command loaded itself.
    static func runAudited<R>(
        settings: Settings, _ command: String, target: String?, arguments: [String: String] = [:], recorded: Bool = true,
        _ body: (OperatorSession) async throws -> R
    ) async throws -> R {
        try await run(settings: settings) { session in
            try await session.audited(command, target: target, arguments: arguments, recorded: recorded) { try await body(session) }
        }
    }
}
