import ArgumentParser
import ChatRuntime
import Foundation

/// `--yes`, shared by the destructive commands: they ask on a terminal and demand `--yes` otherwise.
struct ConfirmationOption: ParsableArguments {
    @Flag(name: .long, help: "Do not ask for confirmation.")
    var yes = false

    /// Returns when confirmed (`--yes`, or "yes" typed at the terminal); throws otherwise, having changed nothing.
    func require(_ question: String) throws {
        if yes { return }
        guard isatty(STDIN_FILENO) == 1 else {
            throw RuntimeError("\(question) Not confirmed: pass --yes (stdin is not a terminal)")
        }
        FileHandle.standardError.write(Data("\(question) Type yes to confirm: ".utf8))
        guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else { throw RuntimeError("not confirmed; nothing changed") }
    }
}
