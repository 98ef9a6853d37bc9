extension Settings {
    /// These settings with `keys` taken from `other` (value and provenance): what a
    /// running process runs on once a reload applied them. The keys that need a restart
    /// keep their values from the start, so each later reload reports them again.
    func adopting(_ keys: [SettingKey], from other: Settings) -> Settings {
        var adopted = self
        for setting in keys { adopted.resolved[setting.key] = other.resolved[setting.key] }
        return adopted
    }

    /// These settings, freshly read, with the values `running` generated for itself
    /// (`serve --dev`'s secret) where nothing sets them now: a reload does not see a
    /// generated value vanish.
    func keepingGenerated(from running: Settings) -> Settings {
        var kept = self
        for (key, setting) in running.resolved where setting.source == .generated {
            if (kept.resolved[key]?.value ?? "").isEmpty { kept.resolved[key] = setting }
        }
        return kept
    }
}
