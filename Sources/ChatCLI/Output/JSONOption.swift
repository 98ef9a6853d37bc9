import ArgumentParser

/// `--json`, shared by every command that can print for scripts (`OutputJSON`).
struct JSONOption: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON document.")
    var json = false
}
