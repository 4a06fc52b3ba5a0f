@testable import CPNLLM
import Foundation
import Testing

@Suite struct ConfigurationTests {
    let file = ConfigFile(path: "/home/u/.config/cpn-author/config.yaml",
                          settings: LLMSettings(provider: "anthropic", baseURL: "https://file.example", model: "file-model",
                                                apiKey: "file-key-123456", maxTokens: 5000, timeout: 90))

    @Test func flagsBeatEnvironmentBeatFile() throws {
        let environment = ["CPN_AUTHOR_PROVIDER": "openai", "CPN_AUTHOR_BASE_URL": "https://env.example/v1",
                           "CPN_AUTHOR_MODEL": "env-model", "CPN_AUTHOR_API_KEY": "env-key-123456"]
        let fromFlags = try LLMConfiguration.resolve(
            flags: LLMSettings(provider: "anthropic", baseURL: "https://flag.example", model: "flag-model", apiKey: "flag-key-1234"),
            environment: environment, file: file)
        #expect(fromFlags.provider == .anthropic)
        #expect(fromFlags.baseURL == "https://flag.example")
        #expect(fromFlags.model == "flag-model")
        #expect(fromFlags.apiKey == "flag-key-1234")
        #expect(fromFlags.sources["model"] == "--model")

        let fromEnvironment = try LLMConfiguration.resolve(environment: environment, file: file)
        #expect(fromEnvironment.provider == .openai)
        #expect(fromEnvironment.baseURL == "https://env.example/v1")
        #expect(fromEnvironment.model == "env-model")
        #expect(fromEnvironment.apiKey == "env-key-123456")
        #expect(fromEnvironment.sources["api_key"] == "CPN_AUTHOR_API_KEY")
        #expect(fromEnvironment.maxTokens == 5000)
        #expect(fromEnvironment.timeout == 90)

        let fromFile = try LLMConfiguration.resolve(environment: [:], file: file)
        #expect(fromFile.provider == .anthropic)
        #expect(fromFile.baseURL == "https://file.example")
        #expect(fromFile.model == "file-model")
        #expect(fromFile.apiKey == "file-key-123456")
        #expect(fromFile.sources["api_key"] == file.path)
        #expect(fromFile.endpoint == "https://file.example/v1/messages")
    }

    @Test func providerVariablesAreFallbacks() throws {
        let openAI = try LLMConfiguration.resolve(
            flags: LLMSettings(model: "m"),
            environment: ["OPENAI_API_KEY": "sk-openai-0001", "OPENAI_BASE_URL": "https://gw.example/v1",
                          "ANTHROPIC_BASE_URL": "https://ignored.example"])
        #expect(openAI.provider == .openai)
        #expect(openAI.apiKey == "sk-openai-0001")
        #expect(openAI.baseURL == "https://gw.example/v1")
        #expect(openAI.description == "openai m at https://gw.example/v1 (key from OPENAI_API_KEY)")

        // CPN_AUTHOR_* wins over the provider's own variables.
        let preferred = try LLMConfiguration.resolve(
            flags: LLMSettings(model: "m"),
            environment: ["OPENAI_API_KEY": "sk-openai-0001", "CPN_AUTHOR_API_KEY": "sk-cpn-0002",
                          "OPENAI_BASE_URL": "https://gw.example/v1", "CPN_AUTHOR_BASE_URL": "https://cpn.example/v1"])
        #expect(preferred.apiKey == "sk-cpn-0002")
        #expect(preferred.baseURL == "https://cpn.example/v1")
    }

    @Test func providerIsInferredWhenNotGiven() throws {
        let onlyAnthropicKey = try LLMConfiguration.resolve(flags: LLMSettings(model: "m"),
                                                            environment: ["ANTHROPIC_API_KEY": "sk-ant-0001"])
        #expect(onlyAnthropicKey.provider == .anthropic)
        #expect(onlyAnthropicKey.baseURL == "https://api.anthropic.com")
        #expect(onlyAnthropicKey.apiKey == "sk-ant-0001")

        let anthropicURL = try LLMConfiguration.resolve(flags: LLMSettings(baseURL: "https://api.anthropic.com", model: "m"),
                                                        environment: ["CPN_AUTHOR_API_KEY": "k-000001"])
        #expect(anthropicURL.provider == .anthropic)

        let both = try LLMConfiguration.resolve(flags: LLMSettings(model: "m"),
                                                environment: ["ANTHROPIC_API_KEY": "a-000001", "OPENAI_API_KEY": "o-000001"])
        #expect(both.provider == .openai)
        #expect(both.apiKey == "o-000001")
    }

    @Test func missingSettingsAreOneLineErrorsNamingTheVariable() {
        let noModel = llmError { _ = try LLMConfiguration.resolve(environment: ["OPENAI_API_KEY": "k-000001", "HOME": "/home/u"]) }
        #expect(noModel?.kind == .configuration)
        #expect(noModel?.description == "no model chosen: pass --model or set CPN_AUTHOR_MODEL (or `model:` in /home/u/.config/cpn-author/config.yaml)")

        let noKey = llmError { _ = try LLMConfiguration.resolve(flags: LLMSettings(model: "m"), environment: ["HOME": "/home/u"]) }
        #expect(noKey?.description == "no API key for openai at https://api.openai.com/v1: set CPN_AUTHOR_API_KEY or OPENAI_API_KEY (or `api_key:` in /home/u/.config/cpn-author/config.yaml)")
        #expect(noKey?.description.contains("\n") == false)

        let noAnthropicKey = llmError {
            _ = try LLMConfiguration.resolve(flags: LLMSettings(provider: "anthropic", model: "m"), environment: ["XDG_CONFIG_HOME": "/x"])
        }
        #expect(noAnthropicKey?.description == "no API key for anthropic at https://api.anthropic.com: set CPN_AUTHOR_API_KEY or ANTHROPIC_API_KEY (or `api_key:` in /x/cpn-author/config.yaml)")

        let badProvider = llmError { _ = try LLMConfiguration.resolve(environment: ["CPN_AUTHOR_PROVIDER": "gemini"]) }
        #expect(badProvider?.description.hasPrefix("unknown provider 'gemini' in CPN_AUTHOR_PROVIDER: use openai") == true)

        let badURL = llmError {
            _ = try LLMConfiguration.resolve(flags: LLMSettings(model: "m"), environment: ["CPN_AUTHOR_BASE_URL": "api.openai.com/v1"])
        }
        #expect(badURL?.description.hasPrefix("the base URL from CPN_AUTHOR_BASE_URL is not an http(s) URL: 'api.openai.com/v1'") == true)
    }

    @Test func localServersNeedNoKeyAndEmptyVariablesAreUnset() throws {
        for base in ["http://localhost:11434/v1", "http://127.0.0.1:8080/v1", "http://[::1]:8000/v1"] {
            let local = try LLMConfiguration.resolve(flags: LLMSettings(baseURL: base, model: "qwen"),
                                                     environment: ["OPENAI_API_KEY": "", "CPN_AUTHOR_MODEL": " "])
            #expect(local.apiKey == nil, "\(base)")
            #expect(local.isLocal)
            #expect(local.description.hasSuffix("(no key)"))
        }
    }

    @Test func makeProviderBuildsTheRightOne() throws {
        let anthropic = LLMConfiguration(provider: .anthropic, model: "c", apiKey: "k-000001", timeout: 30)
        let provider = anthropic.makeProvider()
        #expect(provider.name == "anthropic")
        #expect((provider as? AnthropicMessagesProvider)?.client.timeout == 30)
        #expect(LLMConfiguration(provider: .openai, model: "g", apiKey: nil).makeProvider().name == "openai")
    }

    @Test func configFileFlatYAML() throws {
        let text = """
        # cpn-author settings
        ---
        provider: anthropic   # the wire format
        base_url: "https://proxy.example/anthropic#frag"
        model: 'claude-x'
        api_key: sk-ant-abc#def
        max_tokens: 8000
        timeout: 120.5
        connect_timeout:
        """
        let file = try ConfigFile(path: "c.yaml", text: text)
        #expect(file.settings == LLMSettings(provider: "anthropic", baseURL: "https://proxy.example/anthropic#frag",
                                             model: "claude-x", apiKey: "sk-ant-abc#def", maxTokens: 8000, timeout: 120.5))
    }

    @Test func configFileMistakesNameTheLine() {
        let unknown = llmError { _ = try ConfigFile(path: "c.yaml", text: "model: m\nbaseurl: x\n") }
        #expect(unknown?.description == "c.yaml:2: unknown key 'baseurl'; known keys: provider, base_url, model, api_key, max_tokens, timeout, connect_timeout, max_reply_size")
        let nested = llmError { _ = try ConfigFile(path: "c.yaml", text: "llm:\n  model: m\n") }
        #expect(nested?.description.hasPrefix("c.yaml:1: unknown key 'llm'") == true)
        let indented = llmError { _ = try ConfigFile(path: "c.yaml", text: "  model: m\n") }
        #expect(indented?.description == "c.yaml:1: nested values are not read; write one `key: value` per line, unindented")
        let number = llmError { _ = try ConfigFile(path: "c.yaml", text: "max_tokens: lots\n") }
        #expect(number?.description == "c.yaml:1: max_tokens must be a positive whole number, not 'lots'")
        let values = llmError { _ = try ConfigFile(path: "y", values: ["timeout": "-1"]) }
        #expect(values?.description == "y: timeout must be a positive number of seconds, not '-1'")
    }

    @Test func configFileLocationAndLoading() throws {
        #expect(ConfigFile.defaultPath(environment: ["HOME": "/home/u"]) == "/home/u/.config/cpn-author/config.yaml")
        #expect(ConfigFile.defaultPath(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": "/cfg"]) == "/cfg/cpn-author/config.yaml")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cpn-llm-config-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["XDG_CONFIG_HOME": directory.path]
        #expect(try ConfigFile.loadDefault(environment: environment) == nil)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("cpn-author"), withIntermediateDirectories: true)
        try "model: from-file\n".write(to: directory.appendingPathComponent("cpn-author/config.yaml"), atomically: true, encoding: .utf8)
        let loaded = try #require(try ConfigFile.loadDefault(environment: environment))
        #expect(loaded.settings.model == "from-file")
        let configuration = try LLMConfiguration.resolve(environment: environment.merging(["OPENAI_API_KEY": "k-000001"]) { a, _ in a },
                                                         file: loaded)
        #expect(configuration.model == "from-file")
        #expect(configuration.sources["model"] == directory.path + "/cpn-author/config.yaml")
    }
}
