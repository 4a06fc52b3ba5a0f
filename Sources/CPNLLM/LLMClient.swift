import CCurl

/// Placeholder until the libcurl client lands; keeps the target building.
enum CurlVersion {
    static var text: String { String(cString: curl_version()) }
}
