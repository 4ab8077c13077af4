import CJSONScan

/// One simdjson parser with its buffers. Not thread-safe: each parsing thread owns one.
final class JSONScanner: @unchecked Sendable {
    let handle: OpaquePointer

    init() { handle = js_scanner_new() }
    deinit { js_scanner_free(handle) }

    var message: String { string(js_message(handle)) ?? "" }
}

/// Copies a scanner string into a Swift String (simdjson has validated the UTF-8).
func string(_ text: js_text) -> String? {
    guard let data = text.data else { return nil }
    return String(decoding: UnsafeRawBufferPointer(start: data, count: text.length), as: UTF8.self)
}

func count(_ value: Int64) -> Int64? { value == Int64.min ? nil : value }
