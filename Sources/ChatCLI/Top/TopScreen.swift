import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal while `chatctl top` runs on it: each sample drawn in place from the top
/// left corner (ANSI cursor home, every line cleared to its end, the rest of the screen
/// cleared), the cursor hidden, and — when stdin is the terminal — cbreak mode, so `q`
/// arrives at once and unechoed (Ctrl-C still sends SIGINT). `close()` gives all of it
/// back, and the command calls it on every way out (a signal cancels the wait first).
///
/// Used by one task only (the sampling loop), never shared.
final class TopScreen: TopDisplay {
    /// Keys that quit: `q`, `Q`, and Ctrl-C or Ctrl-D should they arrive as bytes.
    static let quitKeys: Set<UInt8> = [UInt8(ascii: "q"), UInt8(ascii: "Q"), 0x03, 0x04]
    /// How often the wait looks for a key, a resized window or a terminal whose mode was
    /// reset (a job stopped with Ctrl-Z and resumed).
    static let tick: Duration = .milliseconds(100)
    /// A node id is never cut shorter than this; past it the rightmost columns give way.
    static let minimumNodeWidth = 12

    private static let escape = "\u{1B}["

    /// What the header line says of the interval (`every 2s`).
    private let every: String
    /// The terminal's mode before cbreak; nil when stdin is not a terminal (no keys then).
    private var saved: termios?
    private var size: (columns: Int, rows: Int)
    private var last: TopFrame?
    /// Whether the next frame clears the whole screen first (the first one; after a resume).
    private var clearFirst = true
    private var closed = false

    /// Takes the terminal: cbreak mode on stdin when it is one, the cursor hidden.
    init(every: String) {
        self.every = every
        size = Self.windowSize()
        var mode = termios()
        if isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, &mode) == 0 {
            saved = mode
            Self.enterCbreak(from: mode)
        }
        _ = StandardOutput.put(Self.escape + "?25l")
    }

    deinit { close() }

    func show(_ frame: TopFrame) throws {
        last = frame
        try draw(frame)
    }

    func wait(_ interval: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + interval
        while ContinuousClock.now < deadline {
            if readKeys().contains(where: { Self.quitKeys.contains($0) }) { return true }
            keepCbreak()
            let current = Self.windowSize()
            if current != size {
                size = current
                clearFirst = true
                if let last { try draw(last) }
            }
            try await Task.sleep(for: max(.zero, min(Self.tick, deadline - ContinuousClock.now)))
        }
        return false
    }

    func close() {
        guard !closed else { return }
        closed = true
        _ = StandardOutput.put(Self.escape + "?25h")
        if var saved { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
    }

    // MARK: Drawing

    private func draw(_ frame: TopFrame) throws {
        let title = Self.title(frame, every: every, how: saved == nil ? "Ctrl-C quits" : "q quits")
        let lines = Self.layout(frame, title: title, columns: size.columns, rows: size.rows)
        var text = clearFirst ? Self.escape + "2J" : ""
        clearFirst = false
        text += Self.escape + "H"
        text += lines.map { $0 + Self.escape + "K\n" }.joined()
        text += Self.escape + "J"
        guard StandardOutput.put(text) else { throw TopDisplayClosed() }
    }

    /// `chatctl top  12:03:04  every 2s  3 nodes, 1 not answering  q quits` (local time;
    /// `how` says how to quit, when there is a way).
    static func title(_ frame: TopFrame, every: String, how: String?) -> String {
        let clock = DateFormatter()
        clock.dateFormat = "HH:mm:ss"
        let silent = frame.nodes.filter { $0.error != nil }.count
        let nodes = frame.nodes.count == 1 ? "1 node" : "\(frame.nodes.count) nodes"
        let parts = ["chatctl top", clock.string(from: frame.time), every, nodes + (silent > 0 ? ", \(silent) not answering" : ""), how]
        return parts.compactMap { $0 }.joined(separator: "  ")
    }

    /// The frame's lines for a window of `columns` × `rows`: the title, the registry's
    /// error or "no node", the table; never wider than the window, and never so many that
    /// the window scrolls (the last visible line then says how many more there are).
    static func layout(_ frame: TopFrame, title: String, columns: Int, rows: Int) -> [String] {
        var lines = [title]
        if let error = frame.error { lines.append("error: \(error)") }
        if frame.nodes.isEmpty, frame.error == nil { lines.append("no node is running (none is registered)") }
        if !frame.nodes.isEmpty { lines += Self.table(frame.nodes, columns: columns) }
        let room = max(2, rows - 1)
        if lines.count > room {
            let shown = room - 1
            lines = Array(lines.prefix(shown)) + ["… \(lines.count - shown) more: a taller window, or --json, shows every node"]
        }
        return lines.map { String($0.prefix(max(1, columns))) }
    }

    /// The header and one line per node: the id cut in the middle when the window is
    /// narrow (the host at its start and the random part at its end both stay), roles
    /// dropped before the figures when it is narrower still.
    static func table(_ rows: [TopRow], columns: Int) -> [String] {
        let figureHeader = Array(TopRow.header.dropFirst(2))
        let cells = rows.filter { $0.error == nil }.map(\.figures)
        let figureWidths = figureHeader.indices.map { index in
            max(figureHeader[index].count, cells.map { $0[index].count }.max() ?? 0)
        }
        let figuresWidth = figureWidths.reduce(0) { $0 + 2 + $1 }
        let roleWidth = max(TopRow.header[1].count, rows.map(\.rolesText.count).max() ?? 0)
        let showRoles = columns >= Self.minimumNodeWidth + 2 + roleWidth + figuresWidth
        let fixed = figuresWidth + (showRoles ? 2 + roleWidth : 0)
        let naturalNodeWidth = max(TopRow.header[0].count, rows.map(\.node.count).max() ?? 0)
        let nodeWidth = max(min(Self.minimumNodeWidth, naturalNodeWidth), min(naturalNodeWidth, columns - fixed))

        func start(_ node: String, _ roles: String) -> String {
            Self.padded(Self.truncated(node, to: nodeWidth), to: nodeWidth) + (showRoles ? "  " + Self.padded(roles, to: roleWidth) : "")
        }
        func figures(_ values: [String]) -> String {
            values.enumerated().map { index, value in "  " + Self.rightAligned(value, to: figureWidths[index]) }.joined()
        }
        var lines = [start(TopRow.header[0], TopRow.header[1]) + figures(figureHeader)]
        for row in rows {
            if let error = row.error {
                lines.append(start(row.node, row.rolesText) + "  " + error)
            } else {
                lines.append(start(row.node, row.rolesText) + figures(row.figures))
            }
        }
        return lines
    }

    /// `text` cut to `width` characters in the middle, with `…` where it was cut.
    static func truncated(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(max(0, width))) }
        let kept = width - 1
        return String(text.prefix(kept - kept / 2)) + "…" + String(text.suffix(kept / 2))
    }

    static func padded(_ text: String, to width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func rightAligned(_ text: String, to width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    // MARK: The terminal

    /// The window's size; 80 × 24 when stdout does not tell.
    static func windowSize() -> (columns: Int, rows: Int) {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return (80, 24) }
        return (Int(size.ws_col), Int(size.ws_row))
    }

    /// `mode` without line editing and echo, reads returning each byte as it comes;
    /// signals (Ctrl-C) and output processing as they were.
    private static func enterCbreak(from mode: termios) {
        var cbreak = mode
        cbreak.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &cbreak.c_cc) { characters in
            characters[Int(VMIN)] = 1
            characters[Int(VTIME)] = 0
        }
        tcsetattr(STDIN_FILENO, TCSANOW, &cbreak)
    }

    /// Puts cbreak mode back when something reset the terminal (the shell, after the job
    /// was stopped and resumed), and redraws the whole screen.
    private func keepCbreak() {
        guard let saved else { return }
        var current = termios()
        guard tcgetattr(STDIN_FILENO, &current) == 0, current.c_lflag & tcflag_t(ICANON) != 0 else { return }
        Self.enterCbreak(from: saved)
        _ = StandardOutput.put(Self.escape + "?25l")
        clearFirst = true
        if let last { try? draw(last) }
    }

    /// The bytes typed since the last look, without waiting; none when stdin is not the terminal.
    private func readKeys() -> [UInt8] {
        guard saved != nil else { return [] }
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) > 0, descriptor.revents & Int16(POLLIN) != 0 else { return [] }
        let capacity = 32
        var buffer = [UInt8](repeating: 0, count: capacity)
        let count = read(STDIN_FILENO, &buffer, capacity)
        return count > 0 ? Array(buffer.prefix(count)) : []
    }
}
