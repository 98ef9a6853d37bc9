import ArgumentParser
import ChatRuntime
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where a new password comes from: never argv (it would show in `ps` and shell history).
struct PasswordInput: ParsableArguments {
    @Flag(name: .long, help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    @Option(name: .long, help: ArgumentHelp("Read the password from the first line of this file.", valueName: "file"))
    var passwordFile: String?

    func validate() throws {
        if passwordStdin && passwordFile != nil { throw ValidationError("--password-stdin and --password-file cannot be used together") }
    }

    /// The password, or a clear error naming how to give one.
    func read() throws -> String {
        if passwordStdin {
            guard let line = Swift.readLine(strippingNewline: true) else { throw RuntimeError("--password-stdin: standard input is empty") }
            return line
        }
        if let passwordFile {
            let text: String
            do {
                text = try String(contentsOfFile: passwordFile, encoding: .utf8)
            } catch {
                throw RuntimeError("--password-file: cannot read \(passwordFile): \(error.localizedDescription)")
            }
            return String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        }
        guard isatty(STDIN_FILENO) == 1 else {
            throw RuntimeError("no password given: pass --password-stdin or --password-file (standard input is not a terminal)")
        }
        let first = try Self.prompt("Password: ")
        let second = try Self.prompt("Repeat password: ")
        guard first == second else { throw RuntimeError("the two passwords differ; nothing changed") }
        return first
    }

    /// Reads one line from the terminal with echo off (restored on every path).
    static func prompt(_ text: String) throws -> String {
        FileHandle.standardError.write(Data(text.utf8))
        var saved = termios()
        let haveTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
        if haveTerminal {
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if haveTerminal { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = Swift.readLine(strippingNewline: true) else { throw RuntimeError("no password entered") }
        return line
    }
}
