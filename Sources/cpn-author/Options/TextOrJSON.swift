import ArgumentParser

/// `--format text|json`, for the commands whose reports have no other formats
/// (`simulate`, `run`, `status`, `tokens`).
enum TextOrJSON: String, ExpressibleByArgument, CaseIterable { case text, json }
