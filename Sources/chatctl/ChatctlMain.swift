import ChatCLI
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// The `chatctl` executable: only the entry point; everything else lives in ChatCLI.
@main
enum ChatctlMain {
    static func main() async {
        // Swift concurrency's jobs run on NIO's event loops: a WebSocket task and its
        // channel share a thread instead of hopping between two pools (measured in
        // BENCHMARKS.md). Blocking work never runs there: the C libraries, SQLite,
        // bcrypt and stderr's log writes have their own threads, and in debug builds
        // BlockingCallGuard stops a blocking section that finds itself on a loop.
        // CHATCTL_EXECUTOR=default keeps Swift's pool.
        if ProcessInfoLite.environment("CHATCTL_EXECUTOR") != "default" {
            _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        await Chatctl.main(nil)
    }
}

/// getenv without Foundation in the entry point.
enum ProcessInfoLite {
    static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}
