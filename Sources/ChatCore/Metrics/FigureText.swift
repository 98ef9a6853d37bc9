import Foundation

/// A node's figures as a person reads them in a narrow column (`chatctl top`): counts
/// whole, rates with a decimal while small, latencies in µs, ms or s. A figure that is
/// not there (the node does not expose it, or nothing was observed) is `-`.
public enum FigureText {
    /// What a missing figure shows.
    public static let missing = "-"

    /// `12`, or `-`.
    public static func count(_ value: Int?) -> String {
        guard let value else { return missing }
        return "\(value)"
    }

    /// Per second: `0.0`, `3.5`, `42`, `12.3k`, `4.1M`, or `-`.
    public static func rate(_ value: Double?) -> String {
        guard let value, value.isFinite else { return missing }
        let magnitude = abs(value)
        if magnitude >= 1_000_000 { return String(format: "%.1f", value / 1_000_000) + "M" }
        if magnitude >= 10_000 { return String(format: "%.1f", value / 1000) + "k" }
        if magnitude >= 10 { return String(format: "%.0f", value) }
        return String(format: "%.1f", value)
    }

    /// Seconds as `850µs`, `2.5ms`, `40ms`, `1.25s`, or `-`.
    public static func latency(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return missing }
        if seconds < 0.001 { return String(format: "%.0f", seconds * 1_000_000) + "µs" }
        if seconds < 0.01 { return String(format: "%.1f", seconds * 1000) + "ms" }
        if seconds < 1 { return String(format: "%.0f", seconds * 1000) + "ms" }
        return String(format: "%.2f", seconds) + "s"
    }
}
