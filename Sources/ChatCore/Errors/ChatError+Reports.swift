import Foundation

/// The refusals of message reports and their resolution: the one place their wording lives.
extension ChatError {
    /// The reporter already reported this message (HTTP 409).
    public static let reportExists = ChatError(.conflict, field: "id", message: "you already reported this message")

    /// No report with this id (`chatctl reports resolve`).
    public static let reportNotFound = ChatError(.notFound, field: "id", message: "report does not exist")

    /// A report resolved before, naming how: `report already resolved: delete by root@ops1 at …`.
    public static func reportResolved(_ resolution: Report.Resolution) -> ChatError {
        ChatError(.conflict, field: "id", message: "report already resolved: \(resolution.summary)")
    }

    /// A user past `limits.reports_per_hour` (HTTP 429 with `Retry-After`).
    public static func tooManyReports(perHour: Int, retryAfterSeconds seconds: Int) -> ChatError {
        .tooMany("report limit reached: at most \(perHour) reports an hour; try again in \(seconds) s", retryAfterSeconds: seconds)
    }

    /// `--for` given with an action other than a mute or a ban.
    public static func lengthNeedsMuteOrBan(_ action: Report.Action) -> ChatError {
        .invalid("for", "for applies only to mute and ban, not to \(action.rawValue)")
    }
}
