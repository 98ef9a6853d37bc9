import ChatRuntime
import Foundation
import Testing

/// The examples in deploy/ stay complete and valid as settings are added.
@Suite("deploy/ examples")
struct DeployFilesTests {
    static let deploy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../deploy").standardized

    @Test("chatctl.env.example names every setting (CHATCTL_ or the Go name)")
    func envExample() throws {
        let text = try String(contentsOf: Self.deploy.appendingPathComponent("chatctl.env.example"), encoding: .utf8)
        for setting in SettingKey.all {
            let names = [setting.environmentName] + (setting.legacyEnvironment.map { [$0] } ?? [])
            #expect(names.contains { text.contains("\($0)=") }, "\(setting.key) is missing from chatctl.env.example")
        }
    }

    @Test("chatctl.example.yaml documents every setting and passes `config check`")
    func yamlExample() async throws {
        let file = Self.deploy.appendingPathComponent("chatctl.example.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        for setting in SettingKey.all {
            let leaf = setting.key.split(separator: ".").last.map(String.init) ?? setting.key
            #expect(text.contains("\(leaf):"), "\(setting.key) is missing from chatctl.example.yaml")
        }
        let result = try await ChatctlProcess.run(["config", "check", file.path], environment: ["SECRET_KEY": "example-secret"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }
}
