import CPNDiagnostics
import Foundation

/// Merging flags, environment and config file into one `LLMConfiguration`.
extension LLMConfiguration {
    /// Resolves each setting from the first source that has it:
    ///
    /// | setting  | flags        | environment                                               | config file | default |
    /// |----------|--------------|-----------------------------------------------------------|-------------|---------|
    /// | provider | `--provider` | `CPN_AUTHOR_PROVIDER`                                     | `provider`  | inferred |
    /// | base URL | `--base-url` | `CPN_AUTHOR_BASE_URL`, then `OPENAI_BASE_URL` / `ANTHROPIC_BASE_URL` | `base_url` | per provider |
    /// | model    | `--model`    | `CPN_AUTHOR_MODEL`                                        | `model`     | none: an error |
    /// | API key  | (`apiKey`)   | `CPN_AUTHOR_API_KEY`, then `OPENAI_API_KEY` / `ANTHROPIC_API_KEY` | `api_key` | none |
    ///
    /// Empty environment variables count as unset. With no provider given anywhere, it is
    /// `anthropic` when the base URL mentions anthropic, or when `ANTHROPIC_API_KEY` is the
    /// only key around; otherwise `openai`. A missing model, or a missing key for a
    /// non-local base URL, is a one-line `LLMError(.configuration)` naming what to set.
    public static func resolve(flags: LLMSettings = LLMSettings(),
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               file: ConfigFile? = nil) throws -> LLMConfiguration {
        func env(_ name: String) -> (String, String)? {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
            return (value, name)
        }
        let filePath = file?.path ?? ConfigFile.defaultPath(environment: environment) ?? "the config file"
        func fromFile(_ value: String?) -> (String, String)? {
            guard let value, let file else { return nil }
            return (value, file.path)
        }
        func flag(_ value: String?, _ name: String) -> (String, String)? {
            guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
            return (value, name)
        }

        var sources: [String: String] = [:]

        // Provider.
        let explicitBase = flag(flags.baseURL, "--base-url") ?? env("CPN_AUTHOR_BASE_URL") ?? fromFile(file?.settings.baseURL)
        let provider: ProviderKind
        if let (name, source) = flag(flags.provider, "--provider") ?? env("CPN_AUTHOR_PROVIDER") ?? fromFile(file?.settings.provider) {
            guard let kind = ProviderKind(rawValue: name.lowercased()) else {
                throw LLMError(.configuration, "unknown provider '\(name)' in \(source): use openai (also for OpenAI-compatible servers such as Ollama) or anthropic")
            }
            provider = kind
            sources["provider"] = source
        } else if explicitBase?.0.lowercased().contains("anthropic") == true
                    || (env("ANTHROPIC_API_KEY") != nil && env("OPENAI_API_KEY") == nil && env("CPN_AUTHOR_API_KEY") == nil
                        && flags.apiKey == nil && file?.settings.apiKey == nil) {
            provider = .anthropic
            sources["provider"] = "inferred"
        } else {
            provider = .openai
            sources["provider"] = "default"
        }

        // Base URL.
        let (baseURL, baseSource) = flag(flags.baseURL, "--base-url") ?? env("CPN_AUTHOR_BASE_URL")
            ?? env(provider.baseURLVariable) ?? fromFile(file?.settings.baseURL) ?? (provider.defaultBaseURL, "default")
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host?.isEmpty == false else {
            throw LLMError(.configuration, "the base URL from \(baseSource) is not an http(s) URL: '\(VisibleText.escaped(Redactor.display(url: baseURL)))' (example: https://api.openai.com/v1)")
        }
        if baseURL.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) {
            throw LLMError(.configuration, "the base URL from \(baseSource) holds a space or a control character: '\(VisibleText.escaped(Redactor.display(url: baseURL)))'")
        }
        sources["base_url"] = baseSource

        // Model.
        guard let (model, modelSource) = flag(flags.model, "--model") ?? env("CPN_AUTHOR_MODEL") ?? fromFile(file?.settings.model) else {
            throw LLMError(.configuration, "no model chosen: pass --model or set CPN_AUTHOR_MODEL (or `model:` in \(filePath))")
        }
        sources["model"] = modelSource

        // Key.
        let key = flag(flags.apiKey, "--api-key") ?? env("CPN_AUTHOR_API_KEY") ?? env(provider.keyVariable)
            ?? fromFile(file?.settings.apiKey)
        if let key {
            sources["api_key"] = key.1
            // A key with a line break inside would inject a header of its own.
            if Redactor.isUnsafeHeaderText(key.0, isName: false) || key.0.contains("\t") {
                throw LLMError(.configuration, "the API key from \(key.1) holds a line break or another control character",
                               hint: "copy the key again, without line breaks")
            }
        } else if !isLocal(baseURL) {
            throw LLMError(.configuration, "no API key for \(provider.rawValue) at \(Redactor.display(url: baseURL)): set CPN_AUTHOR_API_KEY or \(provider.keyVariable) (or `api_key:` in \(filePath))")
        }

        return LLMConfiguration(provider: provider, baseURL: baseURL, model: model, apiKey: key?.0,
                                maxTokens: flags.maxTokens ?? file?.settings.maxTokens,
                                timeout: flags.timeout ?? file?.settings.timeout ?? defaultTimeout,
                                connectTimeout: flags.connectTimeout ?? file?.settings.connectTimeout ?? defaultConnectTimeout,
                                maxReplyBytes: flags.maxReplyBytes ?? file?.settings.maxReplyBytes ?? HTTPClient.defaultMaxResponseBytes,
                                sources: sources)
    }
}
