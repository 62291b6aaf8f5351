import ControlProtocol

/// libFuzzer harness: one control-socket request line through the request decoder, as the
/// daemon reads it from any local client. Oracles: nothing traps, not even the drill's
/// durations the daemon makes of a decoded request; a request that decodes is re-encoded by
/// `line()` to a line that decodes to the same request.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzControlRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = Array(UnsafeBufferPointer(start: data, count: size))
    guard let request = try? ControlRequest.decode(line) else { return 0 }
    _ = (request.hold, request.timeout)
    let encoded = Array(request.line().utf8.dropLast())
    guard let again = try? ControlRequest.decode(encoded), again == request else {
        fatalError("a decoded request does not survive line()/decode: \(request)")
    }
    return 0
}
