import Foundation

/// What a process that should have exited is doing, for a test's failure message:
/// its state and each thread's state and kernel wait channel from /proc, and every
/// thread's stack when gdb is installed (scripts/lib.sh installs it for the tests).
enum ProcessDiagnostics {
    static func describe(pid: Int32) -> String {
        var lines = ["process \(pid): \(field(pid: pid, "status", prefix: "State:") ?? "gone from /proc")"]
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        for tid in tasks.sorted() {
            let base = "/proc/\(pid)/task/\(tid)"
            let name = read("\(base)/comm") ?? "?"
            let state = read("\(base)/status").flatMap { status in
                status.split(separator: "\n").first { $0.hasPrefix("State:") }.map { String($0.dropFirst(6)).trimmingCharacters(in: .whitespaces) }
            } ?? "?"
            lines.append("  thread \(tid) \(name): \(state), waiting in \(read("\(base)/wchan") ?? "?")")
        }
        if let stacks = gdbStacks(pid: pid) { lines.append(stacks) }
        return lines.joined(separator: "\n")
    }

    private static func field(pid: Int32, _ file: String, prefix: String) -> String? {
        read("/proc/\(pid)/\(file)")?.split(separator: "\n").first { $0.hasPrefix(prefix) }
            .map { String($0.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces) }
    }

    private static func read(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `gdb -batch -p PID -ex "thread apply all bt"`, bounded to 20 s; nil without gdb.
    private static func gdbStacks(pid: Int32) -> String? {
        guard let gdb = ["/usr/bin/gdb", "/usr/local/bin/gdb"].first(where: FileManager.default.isExecutableFile) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["20", gdb, "-batch", "-nx", "-p", "\(pid)", "-ex", "thread apply all bt 30"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        guard (try? process.run()) != nil else { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        // Only the stacks: gdb's banner and symbol-loading chatter help nobody.
        let stacks = text.split(separator: "\n").filter { $0.hasPrefix("Thread ") || $0.hasPrefix("#") }.map { $0.prefix(200) }
        return stacks.isEmpty ? "gdb: \(text.suffix(500))" : "stacks:\n" + stacks.joined(separator: "\n")
    }
}
