import ArgumentParser

/// `--json`, shared by every command that can print for scripts (`OutputJSON`).
struct JSONOption: ParsableArguments {
    @OptionGroup var format: JSONOption
}
