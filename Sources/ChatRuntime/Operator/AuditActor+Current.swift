import ChatCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension AuditActor {
    /// Who runs this process, for the audit trail: the effective OS user's name (for a
    /// command run as root through sudo, the user who ran sudo, from `SUDO_USER`, which
    /// sudo sets itself) and the host name.
    ///
    /// Read once per command (a local user-database lookup; the process serves no
    /// socket meanwhile).
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> AuditActor {
        let uid = geteuid()
        var user = "uid \(uid)"
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name {
            user = String(cString: name)
        }
        if uid == 0, let invoker = environment["SUDO_USER"], !invoker.isEmpty {
            user = invoker
        }
        return AuditActor(user: user, host: hostName() ?? "unknown-host")
    }

    /// `gethostname(2)`, nil when it fails or is empty.
    static func hostName() -> String? {
        let capacity = 256
        var buffer = [CChar](repeating: 0, count: capacity + 1)
        guard gethostname(&buffer, capacity) == 0 else { return nil }
        let bytes = buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
