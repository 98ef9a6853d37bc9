import Foundation

/// Waiting for a room rule (read-only, slow mode, a mute) to reach a chat node: the node
/// applies a change within about a second, so a test posts probes (`probe-rule-…`, which
/// the probe filters of other sockets skip) until the answer changes. One probe is out at
/// a time, so an error frame is the answer to it.
extension TestSocket {
    /// Posts a probe and waits for its answer: nil when it came back as a message, else the
    /// error frame's text. Other frames meanwhile (other sockets' probes) are skipped.
    public func answer(toProbe attempt: Int, seconds: Double = Patience.seconds) async throws -> String? {
        let marker = "\(Self.probePrefix)rule-\(UUID().uuidString)-\(attempt)"
        send(Self.message(marker))
        while true {
            let frame = try await nextObject("the answer to \(marker)", seconds: seconds)
            if let error = frame["error"] as? String { return error }
            if frame["content"] as? String == marker { return nil }
        }
    }

    /// Posts probes until one gets an error frame that `matching` accepts (by default any);
    /// returns its text. Probes accepted or refused otherwise meanwhile are read and dropped.
    public func probeUntilRefused(seconds: Double = Patience.seconds, matching: (String) -> Bool = { _ in true }) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var attempt = 0
        var last: String?
        while ContinuousClock.now < deadline {
            attempt += 1
            if let error = try await answer(toProbe: attempt) {
                if matching(error) { return error }
                last = error
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure.timedOut("the awaited error frame for a probe (\(attempt) probes; last error: \(last ?? "none"))")
    }

    /// Posts probes until one is accepted (comes back as a message); returns the error
    /// frames the probes before it got.
    @discardableResult
    public func probeUntilAccepted(seconds: Double = Patience.seconds) async throws -> [String] {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var refusals: [String] = []
        var attempt = 0
        while ContinuousClock.now < deadline {
            attempt += 1
            guard let error = try await answer(toProbe: attempt) else { return refusals }
            refusals.append(error)
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure.timedOut("a probe accepted (\(attempt) probes refused)")
    }
}
