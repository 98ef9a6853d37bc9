import Configuration
import Foundation
import SystemPackage

/// Reads the configuration layers with swift-configuration and resolves every setting
/// with its provenance: flags > `CHATCTL_*` environment > the Go system's environment
/// names > config file (JSON or YAML) > built-in defaults.
public struct SettingsLoader: Sendable {
    /// Values given as command-line flags, by setting key.
    public var flags: [String: ConfigContent]
    /// An explicit config file (`--config`); otherwise `CHATCTL_CONFIG`, then
    /// `/etc/chatctl/config.{json,yaml,yml}` when present.
    public var configFile: String?
    public var environment: [String: String]

    public init(flags: [String: ConfigContent] = [:], configFile: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.flags = flags
        self.configFile = configFile
        self.environment = environment
    }

    /// The standard places a config file is looked for when none is named.
    public static let defaultConfigFiles = ["/etc/chatctl/config.json", "/etc/chatctl/config.yaml", "/etc/chatctl/config.yml"]

    private struct Layer {
        var source: SettingSource
        var provider: any ConfigProvider
        var origin: (SettingKey, String) -> String
    }

    /// The config file in effect, if any.
    public func effectiveConfigFile() -> String? {
        if let configFile { return configFile }
        if let fromEnvironment = environment["CHATCTL_CONFIG"], !fromEnvironment.isEmpty { return fromEnvironment }
        return Self.defaultConfigFiles.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Resolves every setting.
    /// - Throws: `SettingsError` naming the key or file at fault.
    public func load() async throws -> Settings {
        let layers = try await makeLayers()
        var resolved: [String: ResolvedSetting] = [:]
        for setting in SettingKey.all {
            resolved[setting.key] = try resolve(setting, in: layers)
        }
        return Settings(resolved: resolved, configFile: effectiveConfigFile())
    }

    private func makeLayers() async throws -> [Layer] {
        var layers: [Layer] = []
        var flagValues: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, content) in flags {
            flagValues[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = ConfigValue(content, isSecret: false)
        }
        layers.append(Layer(source: .flag, provider: InMemoryProvider(name: "flags", values: flagValues), origin: { s, _ in "--" + s.key }))

        let prefixed = KeyMappingProvider(upstream: EnvironmentVariablesProvider(environmentVariables: environment)) { key in
            AbsoluteConfigKey(["chatctl"] + key.components, context: key.context)
        }
        layers.append(Layer(source: .environment, provider: prefixed, origin: { _, encoded in encoded }))

        var legacyValues: [AbsoluteConfigKey: ConfigValue] = [:]
        for setting in SettingKey.all {
            if let name = setting.legacyEnvironment, let value = environment[name], !value.isEmpty {
                legacyValues[AbsoluteConfigKey(setting.key.split(separator: ".").map(String.init))] = ConfigValue(.string(value), isSecret: setting.isSecret)
            }
        }
        layers.append(Layer(source: .environment, provider: InMemoryProvider(name: "legacy-environment", values: legacyValues),
            origin: { s, _ in s.legacyEnvironment ?? s.environmentName }))

        if let path = effectiveConfigFile() {
            let provider = try await Self.fileProvider(path: path)
            layers.append(Layer(source: .file, provider: provider, origin: { _, _ in path }))
        }

        var defaults: [AbsoluteConfigKey: ConfigValue] = [:]
        for setting in SettingKey.all {
            if let value = setting.defaultValue {
                defaults[AbsoluteConfigKey(setting.key.split(separator: ".").map(String.init))] = ConfigValue(value, isSecret: false)
            }
        }
        layers.append(Layer(source: .default, provider: InMemoryProvider(name: "defaults", values: defaults), origin: { _, _ in "built-in" }))
        return layers
    }

    private static func fileProvider(path: String) async throws -> any ConfigProvider {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw SettingsError(key: "config", message: "cannot read config file \(path)")
        }
        do {
            if path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
                return try await FileProvider<YAMLSnapshot>(filePath: FilePath(path))
            }
            return try await FileProvider<JSONSnapshot>(filePath: FilePath(path))
        } catch {
            throw SettingsError(key: "config", message: "\(path) is not valid \(path.hasSuffix("json") ? "JSON" : "JSON or YAML"): \(error)")
        }
    }

    private func resolve(_ setting: SettingKey, in layers: [Layer]) throws -> ResolvedSetting {
        let key = AbsoluteConfigKey(setting.key.split(separator: ".").map(String.init))
        for layer in layers {
            let result: LookupResult
            do {
                result = try layer.provider.value(forKey: key, type: setting.type)
            } catch {
                // A word setting that used to be a bool: a JSON file's `true` still reads.
                guard setting.choices?.contains("true") == true, let asBool = try? layer.provider.value(forKey: key, type: .bool) else {
                    throw SettingsError(key: setting.key, message: "\(layer.origin(setting, setting.environmentName)) must be \(Self.typeName(setting))")
                }
                result = asBool
            }
            if let value = result.value {
                let text = Self.text(value.content)
                if text.isEmpty && setting.type == .string && layer.source != .default { continue }
                return ResolvedSetting(setting: setting, value: text, source: layer.source, origin: layer.origin(setting, result.encodedKey))
            }
        }
        return ResolvedSetting(setting: setting, value: nil, source: nil, origin: nil)
    }

    static func typeName(_ setting: SettingKey) -> String {
        if let choices = setting.choices { return "one of \(choices.joined(separator: ", "))" }
        return switch setting.type {
        case .int: "an integer"
        case .bool: "true or false"
        case .double: "a number"
        default: "a string"
        }
    }

    static func text(_ content: ConfigContent) -> String {
        switch content {
        case .string(let value): value
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): String(value)
        default: "\(content)"
        }
    }
}
