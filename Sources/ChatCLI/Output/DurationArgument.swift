import ArgumentParser
import Foundation

/// A short duration option (`--every 200ms`, `--deadline 2m`, `1m30s`): whole numbers with
/// the units `ms`, `s`, `m` and `h`, in any combination, as milliseconds.
enum DurationArgument {
    /// The milliseconds `text` names.
    /// - Throws: `ValidationError` naming `--option` when `text` is not such a duration.
    static func milliseconds(_ text: String, option: String) throws -> Int {
        let units: [String: Int] = ["ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000]
        var total = 0
        var digits = ""
        var unit = ""
        func flush() -> Bool {
            guard let value = Int(digits), let factor = units[unit] else { return false }
            let (product, overflow) = value.multipliedReportingOverflow(by: factor)
            guard !overflow, total <= Int.max - product else { return false }
            total += product
            digits = ""
            unit = ""
            return true
        }
        for character in text.trimmingCharacters(in: .whitespaces) {
            if character.isASCII, character.isNumber {
                if !unit.isEmpty { guard flush() else { throw invalid(text, option: option) } }
                digits.append(character)
            } else if character.isASCII, character.isLetter, !digits.isEmpty {
                unit.append(character)
            } else {
                throw invalid(text, option: option)
            }
        }
        guard !digits.isEmpty, flush(), total > 0 else { throw invalid(text, option: option) }
        return total
    }

    private static func invalid(_ text: String, option: String) -> ValidationError {
        ValidationError("--\(option): '\(text.prefix(40))' is not a duration (like 200ms, 1s, 2m, 1m30s; units ms s m h)")
    }
}
