/// The services a process runs (`chatctl serve chat|notify|scheduler|all`).
public enum ServiceRole: String, Sendable, CaseIterable {
    case chat
    case notify
    case scheduler
}
