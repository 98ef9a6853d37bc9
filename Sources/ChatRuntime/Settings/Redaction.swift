/// Hides secrets in values shown to operators and written to logs.
public enum Redaction {
    /// A URI keeps scheme, user, host and path but loses its password
    /// (`mongodb://app:<redacted>@db:27017/`); a URI without a password is shown as is.
    public static func redactURI(_ value: String) -> String {
        let rest: Substring
        if let schemeEnd = value.range(of: "://") {
            rest = value[schemeEnd.upperBound...]
        } else {
            rest = value[...]
        }
        guard let at = rest.lastIndex(of: "@") else { return value }
        let credentials = rest[..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return value }
        return String(value[..<colon]) + ":<redacted>" + String(rest[at...])
    }
}
