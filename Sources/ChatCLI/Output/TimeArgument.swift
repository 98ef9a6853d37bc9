import ArgumentParser
import ChatCore
import Foundation

/// A time option (`--since`, `--until`, `--from`, `--to`): an age back from now (`90m`,
/// `12h`, `7d`, `1d12h`) or an RFC 3339 time, as `AgeCutoff` reads them.
enum TimeArgument {
    /// nil when the option was not given; a usage error naming the option otherwise.
    static func parse(_ text: String?, option: String) throws -> Date? {
        guard let text else { return nil }
        do {
            return try AgeCutoff.parse(text, field: option)
        } catch let error as ChatError {
            throw ValidationError("--\(option): \(error.message)")
        }
    }
}
