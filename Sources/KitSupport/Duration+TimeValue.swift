import Foundation

extension Duration {
    /// This duration as a C `timeval`, in whole microseconds (rounded down): for the
    /// C libraries' own timeouts (hiredis' connect and command timeouts, librabbitmq's
    /// connect and waits).
    public var timeValue: timeval {
        let (seconds, attoseconds) = components
        return timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
