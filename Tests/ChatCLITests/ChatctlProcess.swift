import ChatTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The built `chatctl` binary run as a subprocess, the way an operator runs it.
final class ChatctlProcess: @unchecked Sendable {
    // Mutable state is touched only by the test that owns the process.
    let process = Process()
    let stdoutFile: URL
    let stderrFile: URL
    private let exited: AsyncStream<Int32>
    private let exitedContinuation: AsyncStream<Int32>.Continuation

    /// `chatctl`, next to the test bundle in the build folder.
    static var binary: URL {
        get throws {
            var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent("chatctl")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                directory = directory.deletingLastPathComponent()
            }
            throw CLIError("chatctl binary not found near \(CommandLine.arguments[0]); run `swift build` first")
        }
    }

    /// - Parameter stdin: what the command reads on standard input (nothing: /dev/null).
    init(_ arguments: [String], environment: [String: String] = [:], directory: URL? = nil, stdin: String? = nil) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("chatctl-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        stdoutFile = scratch.appendingPathComponent("stdout")
        stderrFile = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.executableURL = try Self.binary
        process.arguments = arguments
        // A clean environment: only what the test gives, plus PATH.
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"].merging(environment) { $1 }
        process.currentDirectoryURL = directory ?? scratch
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        if let stdin {
            let stdinFile = scratch.appendingPathComponent("stdin")
            FileManager.default.createFile(atPath: stdinFile.path, contents: Data(stdin.utf8))
            process.standardInput = try FileHandle(forReadingFrom: stdinFile)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        (exited, exitedContinuation) = AsyncStream.makeStream(of: Int32.self)
        let continuation = exitedContinuation
        process.terminationHandler = { process in
            continuation.yield(process.terminationStatus)
            continuation.finish()
        }
        try process.run()
    }

    var stdout: String { (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// The exit status, waiting at most `seconds` (then the process is killed and this throws).
    /// The default bounds a hung command, not a slow one: a one-shot command on a loaded
    /// machine (or `doctor`, waiting out its own per-hop timeouts) can take a minute.
    ///
    /// Foundation's own report (the termination handler) is one source; a `waitid` peek
    /// that leaves the child for Foundation to reap is the other, so a report Foundation
    /// delays or misses under a loaded test run cannot turn into a false hang. A process
    /// that really is still running at the deadline is described (state, threads, and
    /// their stacks when gdb is installed) before it is killed.
    func waitForExit(seconds: Double = 2 * Patience.seconds) async throws -> Int32 {
        let exited = self.exited
        return try await withThrowingTaskGroup(of: Int32?.self) { group in
            group.addTask { await exited.first { _ in true } }
            group.addTask { [self] in
                let deadline = ContinuousClock.now + .seconds(seconds)
                while ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                    let status = process.isRunning ? peekExitStatus() : process.terminationStatus
                    if let status {
                        // Give the termination handler a moment; say so if it never came.
                        try await Task.sleep(for: .seconds(1))
                        FileHandle.standardError.write(Data("note: pid \(process.processIdentifier) exited (\(status)) and Foundation's termination handler had not run a second later\n".utf8))
                        return status
                    }
                }
                return nil
            }
            defer { group.cancelAll() }
            if let first = try await group.next(), let status = first { return status }
            let description = ProcessDiagnostics.describe(pid: process.processIdentifier)
            process.terminate()
            throw CLIError("chatctl \(process.arguments ?? []) did not exit within \(seconds)s\n\(description)\nstderr:\n\(stderr)")
        }
    }

    /// The child's exit status if it has exited, read without reaping it (`WNOWAIT`), so
    /// Foundation's monitor still reaps it and reports as usual; nil while it runs or
    /// once it has been reaped. A signal's death reads as the signal number, as
    /// `Process.terminationStatus` does.
    private func peekExitStatus() -> Int32? {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(process.processIdentifier), &info, WEXITED | WNOHANG | WNOWAIT) == 0,
              info._sifields._sigchld.si_pid == process.processIdentifier else { return nil }
        return info._sifields._sigchld.si_status
    }

    /// Waits for the logfmt line `msg="chat service listening" … port=N`; returns N.
    func waitForListeningPort() async throws -> String {
        try await waitForLog(#"msg="chat service listening".* port=(\d+)"#)
    }

    /// Waits for the logfmt line `msg="notify service listening" … port=N`; returns N.
    func waitForNotifyPort() async throws -> String {
        try await waitForLog(#"msg="notify service listening".* port=(\d+)"#)
    }

    /// Polls stderr (bounded) for a line matching `pattern`; returns the first capture group.
    func waitForLog(_ pattern: String, seconds: Double = Patience.seconds) async throws -> String {
        let regex = try NSRegularExpression(pattern: pattern)
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            let text = stderr
            if let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) {
                let range = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
                return String(text[Range(range, in: text)!])
            }
            if !process.isRunning { throw CLIError("chatctl exited (\(process.terminationStatus)) before logging /\(pattern)/:\n\(text)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw CLIError("no log line matching /\(pattern)/ within \(seconds)s:\n\(stderr)")
    }

    /// Sends SIGTERM (a graceful stop).
    func stop() { if process.isRunning { process.terminate() } }

    /// `kill -9`: no graceful anything, as a crash or the OOM killer would.
    func kill9() { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    /// Runs a command to completion and returns (status, stdout, stderr).
    static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) async throws -> (status: Int32, stdout: String, stderr: String) {
        let process = try ChatctlProcess(arguments, environment: environment, stdin: stdin)
        let status = try await process.waitForExit()
        return (status, process.stdout, process.stderr)
    }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
