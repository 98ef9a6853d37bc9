/// How log lines are written on stderr (`log.format`, `--log-format`).
public enum LogFormat: String, Sendable, CaseIterable {
    /// `ts=… level=info label=chatctl msg="…" key=value …`
    case logfmt
    /// `{"ts":"…","level":"info","label":"chatctl","msg":"…","key":"value"}`
    case json
}
