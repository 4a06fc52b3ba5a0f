/// "Did you mean ...?": the candidate nearest to a misspelt name, if any is
/// close enough to be a plausible typo (edit distance at most a third of the
/// name's length, and at least 1; for names under three letters, case only).
public enum NameSuggestion {
    public static func closest(to name: String, among candidates: some Sequence<String>) -> String? {
        // One edit turns any one- or two-letter name into another (`x` into
        // `t`): for those only a difference of case is a plausible typo.
        let limit = name.unicodeScalars.count < 3 ? 0 : max(1, name.unicodeScalars.count / 3)
        var best: (String, Int)? = nil
        for candidate in candidates where candidate != name {
            // Case-only differences are the most likely typo of all.
            let d = candidate.lowercased() == name.lowercased() ? 0 : distance(name, candidate, limit: limit)
            if d <= limit, best == nil || d < best!.1 || (d == best!.1 && candidate < best!.0) {
                best = (candidate, d)
            }
        }
        return best?.0
    }

    /// `help:` text for a misspelt name, or nil when nothing is close.
    public static func help(for name: String, among candidates: some Sequence<String>) -> String? {
        closest(to: name, among: candidates).map { "did you mean `\($0)`?" }
    }

    /// Edit distance counting a swap of two neighbouring letters as one edit
    /// (optimal string alignment), giving up (returning limit + 1) once it
    /// exceeds `limit`. Plain Levenshtein counted `gaurd` → `guard` as two
    /// edits, too many for a five-letter name, so the commonest typo of all
    /// got no suggestion.
    static func distance(_ a: String, _ b: String, limit: Int) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > limit { return limit + 1 }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}
