import Foundation
import Synchronization

/// A progress line on a terminal's stderr (`moved 3000/5000 60% 2950/s ETA 1s`),
/// rewritten in place; silent when stderr is not a terminal or for `--json`.
final class ProgressLine: Sendable {
    private let enabled: Bool
    private let start = ContinuousClock.now
    private let wrote = Atomic<Bool>(false)

    init(enabled: Bool) { self.enabled = enabled }

    func update(done: Int, total: Int?, noun: String) {
        guard enabled else { return }
        let elapsed = max(0.001, Double((ContinuousClock.now - start).components.attoseconds) / 1e18 + Double((ContinuousClock.now - start).components.seconds))
        let rate = Double(done) / elapsed
        var line = "\r\(noun) \(done)"
        if let total, total > 0 {
            line += "/\(total) \(done * 100 / total)%"
            if rate > 0, done < total { line += " ETA \(Int((Double(total - done) / rate).rounded(.up)))s" }
        }
        line += String(format: " %.0f/s", rate) + "\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
        wrote.store(true, ordering: .relaxed)
    }

    /// Rewrites the line with free text.
    func show(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\(text)\u{1B}[K".utf8))
        wrote.store(true, ordering: .relaxed)
    }

    func finish() {
        if enabled, wrote.load(ordering: .relaxed) { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
