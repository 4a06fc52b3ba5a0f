import CCurl
import Foundation

/// The unsafe half of `HTTPClient`: one libcurl easy handle, its C callbacks and the
/// state they fill. Everything that touches raw pointers lives in this file.
///
/// `curl_easy_perform` runs the callbacks on the calling thread before it returns, so
/// `TransferState` needs no lock: it is only ever touched by that one thread.
final class CurlTransfer {
    private let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let state: TransferState

    /// What the callbacks collect while the transfer runs.
    final class TransferState {
        var status = 0
        var headers: [HTTPHeader] = []
        var body = Data()
        var onChunk: ((Data) throws -> Void)?
        var chunkError: (any Error)?
        var cancellation: CancellationFlag?
        var cancelled = false
        /// The most body bytes kept; past it the transfer is aborted.
        var maxBodyBytes = Int.max
        var bodyTooLarge = false

        var isSuccess: Bool { (200..<300).contains(status) }
    }

    /// Outcome of `perform()`: curl's result code and, on failure, its message.
    struct Result {
        var code: CURLcode
        var message: String
        var connected: Bool
    }

    /// The most response headers kept: a server that sends more is cut off too.
    static let maxHeaders = 1_000

    init?(maxBodyBytes: Int = .max) {
        CurlGlobal.initialize()
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        let size = Int(ccurl_error_size())
        errorBuffer = .allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
        state = TransferState()
        state.maxBodyBytes = maxBodyBytes
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    var status: Int { state.status }
    var responseHeaders: [HTTPHeader] { state.headers }
    var body: Data { state.body }
    var chunkError: (any Error)? { state.chunkError }
    var wasCancelled: Bool { state.cancelled }
    var bodyTooLarge: Bool { state.bodyTooLarge }

    func set(_ option: CURLoption, _ value: Int) {
        _ = ccurl_setopt_long(handle, option, value)
    }

    func set(_ option: CURLoption, _ value: String) {
        // libcurl copies string options (since 7.17), so the temporary C string may go.
        _ = value.withCString { ccurl_setopt_string(handle, option, $0) }
    }

    func setBody(_ body: Data) {
        _ = ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
        // COPYPOSTFIELDS copies POSTFIELDSIZE bytes, so `body` need not outlive this call;
        // an empty body still needs a valid pointer, hence the one-byte stand-in.
        let bytes = body.isEmpty ? Data([0]) : body
        bytes.withUnsafeBytes { raw in
            _ = ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
        }
    }

    func setHeaders(_ headers: [HTTPHeader]) {
        for header in headers {
            // "Name:" with nothing after it tells curl to send no such header at all.
            let line = header.value.isEmpty ? "\(header.name):" : "\(header.name): \(header.value)"
            headerList = curl_slist_append(headerList, line)
        }
        _ = ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
    }

    /// Runs the transfer to its end, calling `onChunk` with each piece of a 2xx body.
    func perform(cancellation: CancellationFlag?, onChunk: ((Data) throws -> Void)?) -> Result {
        state.onChunk = onChunk
        state.cancellation = cancellation
        let context = Unmanaged.passUnretained(state).toOpaque()
        _ = ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = ccurl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, curlWrite)
        _ = ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        _ = ccurl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, curlHeader)
        _ = ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
        set(CURLOPT_NOPROGRESS, 0)
        _ = ccurl_setopt_progress_callback(handle, CURLOPT_XFERINFOFUNCTION, curlProgress)
        _ = ccurl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context)

        let code = withExtendedLifetime(state) { curl_easy_perform(handle) }
        // The callback may not outlive this call (the client passes it without escaping).
        state.onChunk = nil
        var connectTime = 0.0
        _ = ccurl_getinfo_double(handle, CURLINFO_CONNECT_TIME, &connectTime)
        let detail = String(cString: errorBuffer)
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        return Result(code: code, message: message, connected: connectTime > 0)
    }
}

/// `curl_global_init` must run once, before any other libcurl call, and is not
/// thread-safe itself; a lazily initialised static gives exactly-once semantics.
enum CurlGlobal {
    private static let code: CURLcode = ccurl_global_init_default()

    static func initialize() {
        _ = code
    }
}

private func transferState(_ pointer: UnsafeMutableRawPointer?) -> CurlTransfer.TransferState? {
    pointer.map { Unmanaged<CurlTransfer.TransferState>.fromOpaque($0).takeUnretainedValue() }
}

/// CURLOPT_WRITEFUNCTION: keeps the body and forwards 2xx pieces to the caller.
/// Returning anything but `size * count` makes curl abort with CURLE_WRITE_ERROR.
private let curlWrite: ccurl_data_callback = { data, size, count, context in
    let length = size * count
    guard let state = transferState(context), let data else { return 0 }
    if state.cancellation?.isCancelled == true {
        state.cancelled = true
        return 0
    }
    guard state.body.count <= state.maxBodyBytes - length else {
        state.bodyTooLarge = true
        return 0
    }
    let chunk = Data(bytes: data, count: length)
    state.body.append(chunk)
    if state.isSuccess, let onChunk = state.onChunk {
        do {
            try onChunk(chunk)
        } catch {
            state.chunkError = error
            return 0
        }
    }
    return length
}

/// CURLOPT_HEADERFUNCTION: one call per header line, status lines included. A new
/// status line (after `100 Continue`, say) starts the header list afresh.
private let curlHeader: ccurl_data_callback = { data, size, count, context in
    let length = size * count
    guard let state = transferState(context), let data else { return 0 }
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    guard state.headers.count < CurlTransfer.maxHeaders else {
        state.bodyTooLarge = true
        return 0
    }
    if line.hasPrefix("HTTP/") {
        let parts = line.split(separator: " ", maxSplits: 2)
        state.status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        state.headers = []
    } else if let colon = line.firstIndex(of: ":") {
        let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        state.headers.append(HTTPHeader(name, value))
    }
    return length
}

/// CURLOPT_XFERINFOFUNCTION: called at least once a second while the transfer runs;
/// a nonzero return aborts it with CURLE_ABORTED_BY_CALLBACK.
private let curlProgress: ccurl_progress_callback = { context, _, _, _, _ in
    guard let state = transferState(context) else { return 0 }
    if state.cancellation?.isCancelled == true {
        state.cancelled = true
        return 1
    }
    return 0
}
