import CPNFakeLLM
@testable import CPNLLM
import Foundation
import Testing

@Suite struct HTTPClientTests {
    @Test func postsHeadersAndBodyAndReadsTheResponse() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.json(["ok": true], headers: ["X-Extra": "yes"]))
        // Big enough that curl would send `Expect: 100-continue` unless told not to.
        let body = Data(String(repeating: "a", count: 300_000).utf8)
        let response = try fastClient.send(HTTPRequest(url: server.baseURL + "/echo",
                                                       headers: [HTTPHeader("X-Test", "1")], body: body))
        #expect(response.status == 200)
        #expect(response.headers.value(for: "x-extra") == "yes")
        #expect(response.mediaType == "application/json")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"ok":true}"#)
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/echo")
        #expect(request.header("X-Test") == "1")
        #expect(request.header("Expect") == nil)
        #expect(request.body == body)
    }

    @Test func streamsChunksAsTheyArrive() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.eventStream(["data: a\n\n", "data: b\n\n", "data: c\n\n"], delay: 0.02))
        var chunks: [String] = []
        let response = try fastClient.send(HTTPRequest(url: server.baseURL + "/s")) { chunks.append(String(decoding: $0, as: UTF8.self)) }
        #expect(chunks.joined() == "data: a\n\ndata: b\n\ndata: c\n\n")
        #expect(chunks.count >= 2)
        #expect(String(decoding: response.body, as: UTF8.self) == chunks.joined())
    }

    @Test func nonSuccessBodiesAreCollectedNotStreamed() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.openAIError(status: 503, message: "busy"))
        var chunks = 0
        let response = try fastClient.send(HTTPRequest(url: server.baseURL + "/x")) { _ in chunks += 1 }
        #expect(response.status == 503)
        #expect(chunks == 0)
        #expect(String(decoding: response.body, as: UTF8.self).contains("busy"))
    }

    @Test func connectionRefusedIsAClearRetryableError() throws {
        let server = try FakeLLMServer()
        let closedPort = server.baseURL
        server.stop()
        let error = llmError { _ = try fastClient.send(HTTPRequest(url: closedPort + "/v1/chat/completions")) }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.isRetryable == true)
        #expect(error?.summary.contains("cannot connect for POST \(closedPort)/v1/chat/completions") == true)
        #expect(error?.hint?.contains("base URL") == true)
    }

    @Test func totalTimeoutAgainstAHangingServer() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.hang(seconds: 3600))
        let client = HTTPClient(connectTimeout: 2, timeout: 0.4)
        let url = server.baseURL + "/slow"
        let error = hangGuard("a request with a 0.4 s timeout") { llmError { _ = try client.send(HTTPRequest(url: url)) } } ?? nil
        #expect(error?.kind == .timedOut)
        #expect(error?.summary.contains("no complete answer within 0.4 s") == true)
        #expect(error?.hint?.contains("--timeout") == true)
    }

    @Test func droppedConnectionIsConnectionLost() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.dropConnection)
        let error = llmError { _ = try fastClient.send(HTTPRequest(url: server.baseURL + "/drop")) }
        #expect(error?.kind == .connectionLost)
        #expect(error?.isRetryable == true)
    }

    @Test func streamCutMidBodyIsConnectionLost() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.eventStream(["data: a\n\n", "data: b"], ending: .abrupt))
        var received = ""
        let error = llmError {
            _ = try fastClient.send(HTTPRequest(url: server.baseURL + "/cut")) { received += String(decoding: $0, as: UTF8.self) }
        }
        #expect(error?.kind == .connectionLost)
        #expect(received.hasPrefix("data: a"))
    }

    @Test func cancellationAbortsAHangingTransfer() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.hang(seconds: 3600))
        let flag = CancellationFlag()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { flag.cancel() }
        let url = server.baseURL + "/hang"
        // Without the cancel, fastClient's 5 s timeout would end it as `.timedOut`.
        let error = hangGuard("a cancelled request") { llmError { _ = try fastClient.send(HTTPRequest(url: url), cancellation: flag) } } ?? nil
        #expect(error?.kind == .cancelled)
    }

    @Test func anErrorThrownByTheChunkCallbackStopsTheTransfer() throws {
        struct Stop: Error {}
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.eventStream(["data: a\n\n", "data: b\n\n"], delay: 0.05))
        #expect(throws: Stop.self) {
            _ = try fastClient.send(HTTPRequest(url: server.baseURL + "/s")) { _ in throw Stop() }
        }
    }

    @Test func loopbackIsAlwaysExemptFromProxies() {
        #expect(HTTPClient.noProxyList(environment: [:]) == "localhost,127.0.0.1,::1")
        #expect(HTTPClient.noProxyList(environment: ["no_proxy": "corp.example, .internal"])
            == "corp.example,.internal,localhost,127.0.0.1,::1")
        #expect(HTTPClient.noProxyList(environment: ["NO_PROXY": "*"]) == "*")
    }

    @Test func unscriptedRequestsGetAnExplicit500() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        let response = try fastClient.send(HTTPRequest(url: server.baseURL + "/none"))
        #expect(response.status == 500)
        #expect(String(decoding: response.body, as: UTF8.self).contains("no reply scripted for request 1"))
    }
}
