import Config

/// libFuzzer harness: arbitrary text as a keepalived.conf through the lexer, parser, reader,
/// validator and script-security check. Oracles: nothing traps; a configuration is returned
/// exactly when there is no error; every diagnostic points into the text (file:line:col).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfiguration(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let path = "/nonexistent/vipkeeper-fuzz/keepalived.conf"
    let result = ConfigurationLoader.load(text: text, path: path)
    guard (result.configuration == nil) == (result.errors > 0) else {
        fatalError("configuration returned with \(result.errors) errors")
    }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
    for diagnostic in result.diagnostics where diagnostic.location.file == path {
        guard diagnostic.location.line >= 1, diagnostic.location.line <= lines + 1, diagnostic.location.column >= 1 else {
            fatalError("diagnostic outside the text (\(lines) lines): \(diagnostic)")
        }
    }
    return 0
}
