import ChatCLI

/// The `chatctl` executable: only the entry point; everything else lives in ChatCLI.
@main
enum ChatctlMain {
    static func main() async {
        await Chatctl.main(nil)
    }
}
