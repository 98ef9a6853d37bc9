import Foundation

/// "How old" for archiving: a duration back from now (`90m`, `12h`, `30d`, `2w`,
/// `45s`; combinations like `1d12h`) or an absolute RFC 3339 time.
public enum AgeCutoff {
    /// The cut-off instant for `text` at `now`.
    /// - Throws: `ChatError.invalid(field, …)` saying what is accepted.
    public static func parse(_ text: String, now: Date = Date(), field: String = "older-than") throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let date = RFC3339.date(from: trimmed) {
            guard date <= now else { throw ChatError.invalid(field, "'\(trimmed)' is in the future") }
            return date
        }
        return now.addingTimeInterval(-(try duration(trimmed, field: field)))
    }

    /// Seconds in a duration like `30d` or `1h30m`.
    public static func duration(_ text: String, field: String = "every") throws -> TimeInterval {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        var total: TimeInterval = 0
        var digits = ""
        var sawUnit = false
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if let unit = units[character], let value = Double(digits), !digits.isEmpty {
                total += value * unit
                digits = ""
                sawUnit = true
            } else {
                throw invalid(text, field: field)
            }
        }
        guard digits.isEmpty, sawUnit, total > 0, total <= 100 * 365 * 86_400 else { throw invalid(text, field: field) }
        return total
    }

    static func invalid(_ text: String, field: String) -> ChatError {
        ChatError.invalid(
            field, "'\(text.prefix(40))' is not a duration (like 90m, 12h, 30d, 2w, 1d12h; units s m h d w) or an RFC 3339 time (2026-01-31T00:00:00Z)")
    }
}
