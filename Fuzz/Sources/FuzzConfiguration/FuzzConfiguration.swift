import Config

/// libFuzzer harness: arbitrary bytes as a keepalived.conf through the lexer, parser, reader,
/// validator and script-security check. Oracles: nothing traps; a configuration is returned
/// exactly when there is no error; every diagnostic points into the text (file:line:col).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfiguration(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let path = "/nonexistent/vipkeeper-fuzz/keepalived.conf"
    let result = ConfigurationLoader.load(bytes: bytes, path: path, configID: "fuzz")
    guard (result.configuration == nil) == (result.errors > 0) else {
        fatalError("configuration returned with \(result.errors) errors")
    }
    // Lines end at LF, as the lexer (and keepalived) read them.
    let lines = bytes.count { $0 == UInt8(ascii: "\n") } + 1
    for diagnostic in result.diagnostics where diagnostic.location.file == path {
        guard diagnostic.location.line >= 1, diagnostic.location.line <= lines, diagnostic.location.column >= 1 else {
            fatalError("diagnostic outside the text (\(lines) lines): \(diagnostic)")
        }
    }
    return 0
}
