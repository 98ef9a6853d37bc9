import Foundation

/// The validation rules for every user-supplied name and text, in one place.
public enum InputRules {
    public static let usernameLength = 3...32
    public static let passwordBytes = 8...72
    public static let emailMaxLength = 254
    public static let roomNameLength = 1...64
    /// Largest message content in UTF-8 bytes.
    public static let maxContentBytes = 4096
    /// How many recent messages a join returns.
    public static let recentMessageCount = 50

    /// Letters, digits, `_`, `-`, `.`: safe in URLs, logs, Redis keys and shells.
    static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "-", ".": true
        default: false
        }
    }

    public static func validateUsername(_ raw: String?, field: String = "username") throws(ChatError) -> String {
        guard let value = raw, !value.isEmpty else { throw .required(field) }
        guard usernameLength.contains(value.count) else {
            throw .invalid(field, "\(field) must be \(usernameLength.lowerBound) to \(usernameLength.upperBound) characters")
        }
        guard value.unicodeScalars.allSatisfy(isNameCharacter) else {
            throw .invalid(field, "\(field) may contain only letters, digits, '_', '-' and '.'")
        }
        return value
    }

    public static func validateEmail(_ raw: String?) throws(ChatError) -> String {
        guard let value = raw?.trimmingWhitespace, !value.isEmpty else { throw .required("email") }
        guard value.utf8.count <= emailMaxLength else { throw .invalid("email", "email is too long") }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !value.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 })
        else {
            throw .invalid("email", "email is not a valid address")
        }
        return String(value)
    }

    public static func validateNewPassword(_ raw: String?) throws(ChatError) -> String {
        guard let value = raw, !value.isEmpty else { throw .required("password") }
        guard passwordBytes.contains(value.utf8.count) else {
            throw .invalid("password", "password must be \(passwordBytes.lowerBound) to \(passwordBytes.upperBound) bytes")
        }
        return value
    }

    public static func validateRoomName(_ raw: String?) throws(ChatError) -> String {
        guard let value = raw, !value.isEmpty else { throw .required("name") }
        guard roomNameLength.contains(value.count) else {
            throw .invalid("name", "name must be \(roomNameLength.lowerBound) to \(roomNameLength.upperBound) characters")
        }
        guard value.unicodeScalars.allSatisfy(isNameCharacter) else {
            throw .invalid("name", "name may contain only letters, digits, '_', '-' and '.'")
        }
        return value
    }

    /// Longest `client_id` a frame may carry, in UTF-8 bytes (a UUID is 36).
    public static let clientIDMaxBytes = 128

    /// A client's own message id: absent, or 1 to 128 bytes of printable characters.
    public static func validateClientID(_ raw: String?) throws(ChatError) -> String? {
        guard let value = raw else { return nil }
        guard !value.isEmpty else { throw .invalid("client_id", "client_id is empty") }
        guard value.utf8.count <= clientIDMaxBytes else {
            throw .invalid("client_id", "client_id exceeds \(clientIDMaxBytes) bytes")
        }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .invalid("client_id", "client_id contains control characters")
        }
        return value
    }

    /// Longest moderation reason (`--reason`), in UTF-8 bytes.
    public static let reasonMaxBytes = 500

    /// A moderator's reason (or an operator's note, naming `field`): absent (nil, or only
    /// whitespace, which is dropped), or at most 500 bytes without control characters (one
    /// line in logs and tables).
    public static func validateReason(_ raw: String?, field: String = "reason") throws(ChatError) -> String? {
        guard let raw else { return nil }
        let value = String(raw.trimmingWhitespace)
        guard !value.isEmpty else { return nil }
        guard value.utf8.count <= reasonMaxBytes else { throw .invalid(field, "\(field) exceeds \(reasonMaxBytes) bytes") }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .invalid(field, "\(field) contains control characters")
        }
        return value
    }

    /// Longest WebSocket close reason, in UTF-8 bytes: a close frame's payload is at most
    /// 125 bytes, two of them the code (RFC 6455 §5.5).
    public static let closeReasonMaxBytes = 123

    /// The reason an operator closes sockets with (`connections kick --reason`): absent
    /// (nil, or only whitespace), or at most 123 bytes without control characters.
    public static func validateCloseReason(_ raw: String?) throws(ChatError) -> String? {
        guard let raw else { return nil }
        let value = String(raw.trimmingWhitespace)
        guard !value.isEmpty else { return nil }
        guard value.utf8.count <= closeReasonMaxBytes else {
            throw .invalid("reason", "reason exceeds \(closeReasonMaxBytes) bytes (the most a WebSocket close frame carries)")
        }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .invalid("reason", "reason contains control characters")
        }
        return value
    }

    /// A member's reason for reporting a message: required, trimmed, then as a moderator's
    /// reason (at most `reasonMaxBytes`, one line).
    public static func validateReportReason(_ raw: String?) throws(ChatError) -> String {
        guard let value = try validateReason(raw) else { throw .required("reason") }
        return value
    }

    /// A message id as a client sends it: 24 hexadecimal digits.
    public static func validateMessageID(_ raw: String?, field: String = "id") throws(ChatError) -> ObjectID {
        guard let raw, !raw.isEmpty else { throw .required(field) }
        guard let id = ObjectID(hex: raw) else { throw .invalid(field, "\(field) must be a message id: 24 hexadecimal digits") }
        return id
    }

    /// Content must have a visible character, fit in 4 KiB and hold no control
    /// characters other than tab and newlines.
    public static func validateContent(_ raw: String?) throws(ChatError) -> String {
        guard let value = raw else { throw .required("content") }
        guard value.utf8.count <= maxContentBytes else {
            throw .invalid("content", "content exceeds \(maxContentBytes) bytes")
        }
        guard !value.trimmingWhitespace.isEmpty else { throw .invalid("content", "content is empty") }
        let forbidden = value.unicodeScalars.contains { scalar in
            (scalar.value < 0x20 && scalar != "\n" && scalar != "\t" && scalar != "\r") || scalar.value == 0x7F
        }
        guard !forbidden else { throw .invalid("content", "content contains control characters") }
        return value
    }

    /// A room's slow mode, in whole seconds: 1 s to 6 h (0 turns it off).
    public static let slowModeSeconds = 1...21_600

    /// A slow-mode interval: 0 (off) or within `slowModeSeconds`.
    public static func validateSlowMode(_ seconds: Int) throws(ChatError) -> Int {
        guard seconds == 0 || slowModeSeconds.contains(seconds) else {
            throw .invalid("slow_mode", "slow mode must be off or \(slowModeSeconds.lowerBound) to \(slowModeSeconds.upperBound) seconds")
        }
        return seconds
    }

    /// Longest room topic, in UTF-8 bytes.
    public static let topicMaxBytes = 300

    /// A room's topic: trimmed, 1 to 300 bytes, one line without control characters.
    public static func validateTopic(_ raw: String) throws(ChatError) -> String {
        let value = String(raw.trimmingWhitespace)
        guard !value.isEmpty else { throw .invalid("topic", "topic is empty (use --no-topic to remove it)") }
        guard value.utf8.count <= topicMaxBytes else { throw .invalid("topic", "topic exceeds \(topicMaxBytes) bytes") }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .invalid("topic", "topic contains control characters")
        }
        return value
    }

    /// A room's archive age or retention, and `retention.default`, in whole seconds: 1 s
    /// to 100 years (the longest duration `AgeCutoff` reads).
    public static let lifecycleSeconds = 1...(100 * 365 * 86_400)

    /// An archive age or a retention (`field`: `archive_after`, `retention`): whole seconds within `lifecycleSeconds`.
    public static func validateLifecycleSeconds(_ seconds: TimeInterval, field: String) throws(ChatError) -> Int {
        guard seconds.isFinite, seconds == seconds.rounded(), seconds >= Double(lifecycleSeconds.lowerBound),
            seconds <= Double(lifecycleSeconds.upperBound)
        else {
            throw .invalid(field, "\(field) must be whole seconds from 1s to 100 years (36500d)")
        }
        return Int(seconds)
    }

    /// A mute's or a ban's length (`--for`), in seconds: absent (until lifted) or positive.
    public static func validateRestrictionLength(_ seconds: TimeInterval?, field: String = "for") throws(ChatError) -> TimeInterval? {
        guard let seconds else { return nil }
        guard seconds > 0, seconds.isFinite else { throw .invalid(field, "\(field) must be a positive duration") }
        return seconds
    }
}

extension String {
    var trimmingWhitespace: Substring {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return Substring(scalars[first...last])
    }
}
