/// Which layer set an effective value (highest wins: flag > environment > file > default).
public enum SettingSource: String, Sendable, Codable {
    case flag
    case environment
    case file
    case generated
    case `default`
}

/// One effective setting with its provenance.
public struct ResolvedSetting: Sendable {
    public let setting: SettingKey
    public let value: String?
    public let source: SettingSource?
    /// The name that set it: `--port`, `CHATCTL_CHAT_PORT`, `SECRET_KEY`, a file path.
    public let origin: String?

    /// The value for display: secrets redacted (URIs keep their host, lose their password).
    public var displayValue: String {
        guard let value else { return "(unset)" }
        guard setting.isSecret else { return value }
        if setting.key.hasSuffix(".uri") || setting.key.hasSuffix(".url") { return Redaction.redactURI(value) }
        return "<redacted>"
    }
}
