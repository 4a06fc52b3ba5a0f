import CPNDiagnostics
import CPNDraft
import CPNExplore
import CPNLLM
import CPNLoad
import CPNReport
import CPNRuntime
import CPNWorkflow
import Foundation
import Testing

/// The library behind every front end, tested without the binary.
@Suite struct VerificationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static let lease = """
        cpn: 1
        name: lease
        places:
          free: { color: Unit, initial: 1 }
          held: { color: Unit }
        transitions:
          take: { in: { free: 1 }, out: { held: 1 } }
          give: { in: { held: 1 }, out: { free: 1 } }
        invariants:
          one: "size(free) + size(held) == 1"
        """

    @Test func bytesAndFilesGiveTheSameReport() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/lease.yaml"
        try Self.lease.write(toFile: path, atomically: true, encoding: .utf8)
        let fromFile = Verification.verify(.file(path), options: ExplorationOptions())
        let fromBytes = Verification.verify(.bytes(Data(Self.lease.utf8), path: path), options: ExplorationOptions())
        let file = try #require(fromFile.result), bytes = try #require(fromBytes.result)
        #expect(file.verdict == .pass)
        #expect(file.states == 2 && bytes.states == 2)
        #expect(file.properties.map(\.status) == bytes.properties.map(\.status))
        #expect(fromFile.exitCode(acceptBounded: false) == CPNDiagnostics.ExitStatus.success)
    }

    @Test func anInvalidNetIsReportedNotExplored() {
        let r = Verification.verify(.bytes(Data("cpn: 1\nplaces:\n  p: { color: Nope }\n".utf8), path: "bad.yaml"), options: ExplorationOptions())
        #expect(r.result == nil)
        #expect(r.isInvalid)
        #expect(r.exitCode(acceptBounded: false) == CPNDiagnostics.ExitStatus.invalidInput)
        let text = VerifyReportRenderer.invalidText(r, color: false)
        #expect(text.contains("bad.yaml:3:"))
        #expect(text.hasSuffix("bad.yaml: 1 error; not verified\n"))
    }

    @Test func oversizedBytesAreRefusedBeforeParsing() {
        let big = Data(repeating: UInt8(ascii: "#"), count: SourceReader.maximumBytes + 1)
        let r = NetInput.load(.bytes(big, path: "big.yaml"))
        #expect(r.hasErrors)
        #expect(r.diagnostics.first?.message.contains("larger than") == true)
    }

    /// Several sources come back in input order, the PNML one through its importer.
    @Test func aReportSetInEveryFormat() throws {
        let examples = Self.root + "/examples"
        let sources: [NetSource] = [
            .file(examples + "/dining-philosophers/net.yaml"),
            .file(examples + "/dining-philosophers/bugs/left-then-right.yaml"),
            .bytes(Data("cpn: [".utf8), path: "broken.yaml"),
        ]
        var delivered: [Int] = []
        let reports = Verification.verify(sources, options: ExplorationOptions()) { i, _ in delivered.append(i) }
        #expect(delivered == [0, 1, 2])
        #expect(reports.map(\.outcome) == [.passed, .violated, .invalid])
        #expect(reports.worstExitCode(acceptBounded: false) == CPNDiagnostics.ExitStatus.invalidInput)
        let renderer = VerifyReportRenderer(showTiming: false, toolVersion: "test")
        for format in OutputFormat.allCases {
            #expect(!renderer.render(reports, as: format).isEmpty, "\(format)")
        }
        let text = renderer.render(reports, as: .text)
        #expect(text.hasSuffix("3 nets: 1 passed, 1 violated, 1 invalid\n"))
        let trace = try #require(VerifyReportRenderer.firstTrace(reports))
        #expect(!trace.steps.isEmpty)
    }

    @Test func checkReportCountsDeniedWarnings() {
        let warned = NetLoader.load(text: "cpn: 1\nplaces:\n  p: { color: Unit }\ntransitions:\n  t: { in: { p: 1 }, guard: \"false\", out: { p: 1 } }\n", path: "w.yaml")
        #expect(!warned.hasErrors && warned.warningCount > 0)
        #expect(CheckReport(results: [warned]).ok)
        let denied = CheckReport(results: [warned], denyWarnings: true)
        #expect(!denied.ok)
        #expect(denied.text(color: false).contains("(denied by --deny-warnings)"))
        #expect(denied.json().contains("\"ok\" : false"))
    }
}

/// `review` as a library: a throwaway repository, a base commit, a change.
@Suite struct ReviewBuilderTests {
    private func git(_ dir: String, _ args: String...) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"] + args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "git \(args)")
    }

    @Test func aChangeThatBreaksAnInvariantIsANewFailure() throws {
        let dir = try TemporaryDirectory()
        try git(dir.path, "init", "-q", "-b", "main")
        try VerificationTests.lease.write(toFile: dir.path + "/lease.yaml", atomically: true, encoding: .utf8)
        try "not: a net\n".write(toFile: dir.path + "/config.yaml", atomically: true, encoding: .utf8)
        try git(dir.path, "add", ".")
        try git(dir.path, "commit", "-q", "-m", "base")
        // The change: `give` produces two tokens.
        try VerificationTests.lease.replacingOccurrences(of: "out: { free: 1 }", with: "out: { free: 2 }")
            .write(toFile: dir.path + "/lease.yaml", atomically: true, encoding: .utf8)
        try "not: a net either\n".write(toFile: dir.path + "/config.yaml", atomically: true, encoding: .utf8)

        let repo = try GitRepository.current(in: dir.path)
        var options = ExplorationOptions()
        options.maxStates = 10_000
        let review = try ReviewBuilder(base: "HEAD", options: options).build(in: repo)
        #expect(review.reviews.map(\.path) == ["lease.yaml"], "config.yaml is not a net")
        let lease = try #require(review.reviews.first)
        #expect(lease.fileChange == .modified)
        #expect(lease.base?.result?.verdict == .pass)
        #expect(lease.head?.result?.verdict == .violated)
        #expect(lease.hasNewFailure)
        #expect(review.exitCode == CPNDiagnostics.ExitStatus.violated)
    }

    @Test func anUnknownBaseIsAnError() throws {
        let dir = try TemporaryDirectory()
        try git(dir.path, "init", "-q", "-b", "main")
        try git(dir.path, "commit", "-q", "--allow-empty", "-m", "first")
        let repo = try GitRepository.current(in: dir.path)
        #expect(throws: ValidationFailure.self) { try ReviewBuilder(base: "no-such-branch").build(in: repo) }
        #expect(throws: GitRepository.Failure.self) { try GitRepository.current(in: "/") }
    }
}

/// A directory removed when the value goes away.
final class TemporaryDirectory {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("cpn-workflow-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A drafting session through the library, replaying the demo transcript
/// (written for the demo with a scripted fake model, not recorded from a real one).
@Suite struct DraftSessionRunnerTests {
    final class Events: DraftSessionObserver {
        var lines: [String] = []
        var asked: [Int] = []
        var verdicts: [Bool] = []
        func say(_ line: String) { lines.append(line) }
        func asking(round: Int) { asked.append(round) }
        func receiving(round: Int, _ progress: StreamProgress) {}
        func retrying(round: Int, _ notice: RetryPolicy.Notice) {}
        func received(round: Int, _ completion: CPNLLM.Completion) {}
        func verdict(_ round: DraftRound) { verdicts.append(round.outcome.passed) }
        func clearLine() {}
    }

    @Test func aReplayedSessionGoesThroughTheGateAgain() throws {
        let dir = try TemporaryDirectory()
        var settings = DraftSessionSettings()
        settings.replay = VerificationTests.root + "/examples/polite-scraper/draft-session.jsonl"
        settings.transcript = dir.path + "/again.jsonl"
        let runner = DraftSessionRunner(kind: .draft, options: settings, toolVersion: "test", outputPath: dir.path + "/net.yaml")
        let replay = try ReplayProvider(transcriptPath: settings.replay!, session: -1)
        let requirements = try #require(replay.session["requirements"]?.string)
        let events = Events()
        let outcome = try runner.run(extra: [:], observer: { _, replaying in
            #expect(replaying)
            return events
        }) { session, model in
            try session.draft(requirements: requirements, path: "requirements.md", model: &model)
        }
        #expect(outcome.error == nil)
        #expect(outcome.passed)
        #expect(events.asked == [1, 2])
        #expect(events.verdicts == [false, true], "round 1 of the demo has a real mistake")
        #expect(outcome.summary(input: "requirements.md").contains("VERIFIED in round 2"))
        let written = try String(contentsOfFile: dir.path + "/again.jsonl", encoding: .utf8)
        #expect(written.contains(#""type":"session""#) && written.contains(#""cpn_author_version":"test""#))
    }
}

/// Opening runtime stores from their URLs, as `run`, `tokens`, `status` and `log` do.
@Suite struct RuntimeStoreTests {
    @Test func badURLsAndPlantedPathsAreRefused() throws {
        let dir = try TemporaryDirectory()
        #expect(throws: StoreError.self) { try RuntimeStores.open("mysql://x", mustExist: false) }
        #expect(throws: StoreError.self) { try RuntimeStores.open("sqlite:", mustExist: false) }
        #expect(throws: StoreError.self) { try RuntimeStores.open("sqlite:\(dir.path)/s.db?sync=maybe", mustExist: false) }
        #expect(throws: StoreError.self) { try RuntimeStores.open("sqlite:\(dir.path)/missing.db", mustExist: true) }
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/link.db", withDestinationPath: dir.path + "/target.db")
        #expect(throws: StoreError.self) { try RuntimeStores.open("sqlite:\(dir.path)/link.db", mustExist: false) }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/target.db"), "nothing created through the link")
    }

    @Test func aSessionPutsTheNetIntoAnEmptyStoreAndAttachesLater() throws {
        let dir = try TemporaryDirectory()
        let spec = "sqlite:\(dir.path)/state.db"
        let net = VerificationTests.root + "/examples/job-pipeline/net.yaml"
        let first = try RuntimeSession.open(store: spec, net: net)
        first.store.close()
        let again = try RuntimeSession.open(store: spec, mustExist: true)
        defer { again.store.close() }
        #expect(again.engine.net.checked.places.map(\.name).contains("backlog"), "the store holds the job pipeline")
        #expect(throws: ValidationFailure.self) { try RuntimeSession.open(store: "sqlite:\(dir.path)/none.db", mustExist: true) }
    }
}
