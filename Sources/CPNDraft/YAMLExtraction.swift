/// Finds the net in a model's reply.
///
/// Models wrap YAML in a fenced block (```yaml … ```), sometimes in an
/// unlabelled fence, sometimes not at all; some write several blocks (a
/// snippet, then the net). The net is the last fenced block that has a
/// top-level `cpn:` key; failing that, the last fenced block; failing that,
/// the reply from its first top-level `cpn:` line on.
public enum YAMLExtraction {
    public static func net(from reply: String) -> String? {
        let blocks = fencedBlocks(reply)
        if let net = blocks.last(where: hasVersionKey) { return net }
        if let last = blocks.last, !last.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return last }
        let lines = reply.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("cpn:") }) else { return nil }
        return lines[start...].joined(separator: "\n").trimmingTrailingWhitespace + "\n"
    }

    /// Contents of ``` or ~~~ fenced blocks, in order. An unclosed last fence runs to the end
    /// (a reply cut off by a token limit still yields what was written).
    static func fencedBlocks(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]? = nil
        var fence = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if current == nil {
                if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                    fence = String(trimmed.prefix(3))
                    current = []
                }
            } else if trimmed.hasPrefix(fence) && trimmed.dropFirst(3).allSatisfy({ $0 == " " || $0 == Character(fence.prefix(1).description) }) {
                blocks.append(current!.joined(separator: "\n") + "\n")
                current = nil
            } else {
                current!.append(line)
            }
        }
        if let current, !current.isEmpty { blocks.append(current.joined(separator: "\n") + "\n") }
        return blocks
    }

    static func hasVersionKey(_ yaml: String) -> Bool {
        yaml.split(separator: "\n").contains { $0.hasPrefix("cpn:") }
    }
}

extension String {
    var trimmingTrailingWhitespace: String {
        var s = self
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return s
    }
}
