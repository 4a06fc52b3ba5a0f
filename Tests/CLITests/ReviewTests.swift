import Foundation
import Testing

/// `cpn-author review` on scratch git repositories: a change that breaks an
/// invariant, one that fixes it, an unchanged net, --strict, new and deleted
/// nets, and the errors that exit 2.
@Suite struct ReviewTests {
    static let good = """
    cpn: 1
    name: pool
    places:
      free: { color: Unit, initial: 2 }
      used: Unit
    transitions:
      take:    { in: { free: 1 }, out: { used: 1 } }
      give:    { in: { used: 1 }, out: { free: 1 } }
    invariants:
      conserved: "size(free) + size(used) == 2"

    """

    /// `give` loses the token it takes: `conserved` breaks (and, all tokens lost,
    /// the net deadlocks). Still a finite state space, so reviews stay fast.
    static let broken = good.replacingOccurrences(of: "give:    { in: { used: 1 }, out: { free: 1 } }",
                                                  with: "give:    { in: { used: 1 }, out: {} }")

    /// A repository with `main` holding `nets/pool.yaml` (`base`) and a workflow
    /// YAML that is not a net, checked out on a branch `change`.
    struct Repo {
        let dir: URL

        init(base: String) throws {
            dir = try CLI.scratchDirectory()
            try git("init", "-q", "-b", "main")
            try write("nets/pool.yaml", base)
            try write(".github/workflows/ci.yml", "name: ci\non: push\n")
            try commit("base")
            try git("checkout", "-q", "-b", "change")
        }

        func write(_ path: String, _ text: String) throws {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }

        func commit(_ message: String) throws {
            try git("add", "-A")
            try git("commit", "-q", "-m", message)
        }

        @discardableResult
        func git(_ arguments: String...) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git"] + arguments
            process.currentDirectoryURL = dir
            var env = ProcessInfo.processInfo.environment
            for (k, v) in ["GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.com",
                           "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.com",
                           "GIT_CONFIG_NOSYSTEM": "1", "HOME": dir.path] { env[k] = v }
            process.environment = env
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "git \(arguments.joined(separator: " ")) failed")
            return String(decoding: data, as: UTF8.self)
        }

        func review(_ arguments: [String] = []) throws -> CLIRun {
            try CLI.run(["review"] + arguments, in: dir)
        }

        func remove() { try? FileManager.default.removeItem(at: dir) }
    }

    @Test func aChangeThatBreaksAnInvariantExitsOneNamingTheDiffAndTheFailure() throws {
        let repo = try Repo(base: Self.good)
        defer { repo.remove() }
        try repo.write("nets/pool.yaml", Self.broken)
        try repo.commit("give back two")
        let run = try repo.review()
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("nets/pool.yaml (modified, net `pool`)"))
        #expect(run.stdout.contains("~ transition give"))
        #expect(run.stdout.contains("output to free removed (was `1`)"), "\(run.stdout)")
        #expect(run.stdout.contains("NEW FAILURE    invariant conserved"))
        // The failure points at `give` (line 8): the transition whose firing broke it, changed by the diff.
        #expect(run.stdout.contains("new failure: invariant conserved (nets/pool.yaml:8:3)"))
        #expect(run.stdout.contains("verdict: NEW FAILURE: invariant conserved in nets/pool.yaml"))
        #expect(run.stdout.hasPrefix("review against merge-base(HEAD, main) ("))
        #expect(!run.stdout.contains("ci.yml"), "YAML that is not a net is not reviewed")
    }

    /// On main with the last commit changing a net, `review` reviews HEAD~1..HEAD;
    /// a stray untracked file (a run's `state.db`) must not change that.
    @Test func onMainAnUntrackedNonNetFileDoesNotChangeTheBase() throws {
        let repo = try Repo(base: Self.good)
        defer { repo.remove() }
        try repo.git("checkout", "-q", "main")
        try repo.write("nets/pool.yaml", Self.broken)
        try repo.commit("give back two")
        try repo.write("state.db", "not yaml")
        let run = try repo.review()
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasPrefix("review against HEAD~1 ("), "\(run.stdout)")
        #expect(run.stdout.contains("NEW FAILURE    invariant conserved"))
    }

    @Test func aChangeThatFixesItExitsZeroAndSaysFixed() throws {
        let repo = try Repo(base: Self.broken)
        defer { repo.remove() }
        try repo.write("nets/pool.yaml", Self.good)
        try repo.commit("fix")
        let run = try repo.review()
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("fixed          invariant conserved"))
        #expect(run.stdout.contains("verdict: OK: 1 net changed since merge-base(HEAD, main)"))
        #expect(run.stdout.contains("2 fixed"), "the invariant and the deadlock")
    }

    @Test func unchangedNetsExitZeroAndAFailureThatWasThereFailsOnlyWithStrict() throws {
        let repo = try Repo(base: Self.broken)
        defer { repo.remove() }
        try repo.write(".github/workflows/ci.yml", "name: ci\non: pull_request\n")
        try repo.commit("workflow only")
        let unchanged = try repo.review()
        #expect(unchanged.status == 0)
        #expect(unchanged.stdout.contains("no net changed"))

        // A change to the net that leaves the failure in place.
        try repo.write("nets/pool.yaml", Self.broken.replacingOccurrences(of: "name: pool", with: "name: pool\ndescription: a pool"))
        try repo.commit("describe")
        let still = try repo.review()
        #expect(still.status == 0, "\(still.stdout)")
        #expect(still.stdout.contains("still failing  invariant conserved"))
        #expect(still.stdout.contains("structure: no structural change"))
        let sarif = try repo.review(["--format", "sarif"])
        #expect(sarif.status == 0)
        #expect(sarif.stdout.contains("\"baselineState\": \"unchanged\""))
        #expect(!sarif.stdout.contains("\"baselineState\": \"new\""))
        #expect(sarif.stdout.contains("\"exitCode\": 0"), "SARIF records the review's exit status, not the net's verdict")
        let annotations = try repo.review(["--format", "github"])
        #expect(annotations.stdout.hasPrefix("::warning "), "a failure that was already there is a warning: \(annotations.stdout)")
        let strict = try repo.review(["--strict"])
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("verdict: FAILING (--strict): invariant conserved in nets/pool.yaml"))
    }

    @Test func newDeletedAndUncommittedNets() throws {
        let repo = try Repo(base: Self.good)
        defer { repo.remove() }
        // Uncommitted and untracked: a new net that fails, and the old one deleted.
        try repo.write("nets/extra.yaml", Self.broken)
        try FileManager.default.removeItem(at: repo.dir.appendingPathComponent("nets/pool.yaml"))
        let run = try repo.review(["--base", "main"])
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("nets/extra.yaml (added, net `pool`)"))
        #expect(run.stdout.contains("nets/pool.yaml (deleted, net `pool`)"))
        #expect(run.stdout.contains("removed        invariant conserved"))
        // Limited to one path, only the deletion is left: no failure.
        let deletedOnly = try repo.review(["--base", "main", "nets/pool.yaml"])
        #expect(deletedOnly.status == 0, "\(deletedOnly.stdout)\(deletedOnly.stderr)")
        #expect(!deletedOnly.stdout.contains("extra.yaml"))
    }

    @Test func aChangeThatBreaksTheYAMLIsANewFailure() throws {
        let repo = try Repo(base: Self.good)
        defer { repo.remove() }
        try repo.write("nets/pool.yaml", Self.good.replacingOccurrences(of: "color: Unit, initial: 2", with: "color: Unitt, initial: 2"))
        let run = try repo.review(["--base", "main"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("NEW FAILURE    check"))
        #expect(run.stdout.contains("error[E0201]"))
        #expect(run.stdout.contains("invariant conserved (not verified: the net has errors)"))
    }

    @Test func machineFormatsInOneRun() throws {
        let repo = try Repo(base: Self.good)
        defer { repo.remove() }
        try repo.write("nets/pool.yaml", Self.broken)
        try repo.commit("break")
        let run = try repo.review(["--format", "sarif", "--output", "r.sarif", "--format", "markdown", "--output", "c.md",
                                   "--format", "json"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("1 net changed since merge-base(HEAD, main)"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(json["new_failures"] as? Int == 2, "conserved and deadlock")
        #expect(json["exit_code"] as? Int == 1)
        let nets = try #require(json["nets"] as? [[String: Any]])
        let properties = try #require(nets.first?["properties"] as? [[String: Any]])
        let conserved = try #require(properties.first { $0["name"] as? String == "conserved" })
        #expect(conserved["verdict"] as? String == "new failure")
        #expect((conserved["trace"] as? [String: Any])?["steps"] != nil)
        let markdown = try String(contentsOf: repo.dir.appendingPathComponent("c.md"), encoding: .utf8)
        #expect(markdown.hasPrefix("### cpn-author review: ❌ 2 new failures in 1 changed net\n"))
        #expect(markdown.contains("```diff\n~ transition give\n"))
        #expect(markdown.contains("**New failure:** invariant `conserved` at `nets/pool.yaml:8:3`"))
        #expect(markdown.contains("```mermaid"))
        let sarif = try String(contentsOf: repo.dir.appendingPathComponent("r.sarif"), encoding: .utf8)
        #expect(sarif.contains("\"baselineState\": \"new\""))
        #expect(sarif.contains("\"uri\": \"nets/pool.yaml\""))
    }

    @Test func outsideARepositoryOrWithAnUnknownBaseItExitsTwo() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outside = try CLI.run(["review"], in: dir, environment: ["GIT_CEILING_DIRECTORIES": dir.deletingLastPathComponent().path])
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("not a git repository"), "\(outside.stderr)")
        let repo = try Repo(base: Self.good)
        defer { repo.remove() }
        let unknown = try repo.review(["--base", "no-such-branch"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown revision `no-such-branch`"))
        let badPath = try repo.review(["--base", "main", "nowhere.yaml"])
        #expect(badPath.status == 2)
        #expect(badPath.stderr.contains("nowhere.yaml: no such file"))
    }
}
