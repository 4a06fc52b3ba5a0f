#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Runs a handler command: `/bin/sh -c COMMAND` in the handlers file's
/// directory, the request as JSON on stdin (and as `CPN_*` environment
/// variables), the answer read from stdout.
///
/// The command runs in its own process group, so a timeout ends the whole
/// pipeline (`curl … | tee …`), not only the shell. Output goes through files,
/// so a chatty command cannot fill a pipe and hang.
enum ShellHandler {
    static let maximumAnswerBytes = 1 << 20

    static func run(_ handler: Handler, command: String, directory: String?, request: HandlerRequest) -> Result<[String], HandlerFailure> {
        let name = handler.name
        let timeout = handler.timeout
        func fail(_ message: String) -> Result<[String], HandlerFailure> { .failure(HandlerFailure(handler: name, message: message)) }
        // A private directory (mkdtemp: a fresh name, mode 0700), so the files below,
        // opened by name, cannot be links planted by another user of /tmp.
        var template = Array((FileManager.default.temporaryDirectory.path + "/cpn-handler-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            return fail("cannot create a scratch directory: \(String(cString: strerror(errno)))")
        }
        let scratch = URL(fileURLWithPath: String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), isDirectory: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let stdinPath = scratch.appendingPathComponent("stdin").path
        let stdoutPath = scratch.appendingPathComponent("stdout").path
        let stderrPath = scratch.appendingPathComponent("stderr").path
        guard FileManager.default.createFile(atPath: stdinPath, contents: Data((request.json.rendered + "\n").utf8)) else {
            return fail("cannot write its input to \(stdinPath)")
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        // `cd` inside the shell: relative paths in the command mean the handlers file's directory.
        let script = directory.map { _ in "cd -- \"$1\" || exit 126; eval \"$2\"" } ?? "eval \"$2\""
        let arguments = ["/bin/sh", "-c", script, "cpn-handler", directory ?? ".", command]
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in request.environment { environment[k] = v }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }

        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
        guard spawned == 0 else { return fail("cannot start /bin/sh: \(String(cString: strerror(spawned)))") }

        let deadline = RuntimeClock.monotonic() + Int64(timeout * 1_000_000)
        var status: Int32 = 0
        var pause: Int64 = 200
        var timedOut = false
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { return fail("lost track of its process: \(String(cString: strerror(errno)))") }
            if RuntimeClock.monotonic() >= deadline {
                timedOut = true
                kill(-pid, SIGTERM)
                RuntimeClock.sleep(micros: 100_000)
                kill(-pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                break
            }
            RuntimeClock.sleep(micros: pause)
            pause = min(pause * 2, 10_000)
        }
        let stderrText = tail(of: stderrPath)
        if timedOut { return fail("did not answer within \(RuntimeDuration.format(micros: Int64(timeout * 1_000_000)))" + (stderrText.isEmpty ? "" : "; stderr: \(stderrText)")) }
        let signal = status & 0x7f
        if signal != 0 { return fail("was killed by signal \(signal)" + (stderrText.isEmpty ? "" : "; stderr: \(stderrText)")) }
        let code = (status >> 8) & 0xff
        if code != 0 { return fail("exited with status \(code)" + (stderrText.isEmpty ? "" : "; stderr: \(stderrText)")) }
        guard let handle = FileHandle(forReadingAtPath: stdoutPath) else { return fail("its output vanished") }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maximumAnswerBytes + 1)) ?? Data()
        guard data.count <= maximumAnswerBytes else { return fail("printed more than \(maximumAnswerBytes) bytes; print only the outcome") }
        return HandlerAnswer.parse(String(decoding: data, as: UTF8.self), handler: handler)
    }

    /// The last few hundred bytes a command wrote on stderr, on one line.
    private static func tail(of path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        let text = String(decoding: data.suffix(600), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).joined(separator: " | ").trimmingCharacters(in: .whitespaces)
    }
}
