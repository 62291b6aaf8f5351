import ControlProtocol
import Testing

@Suite("control protocol")
struct ControlRequestTests {
    @Test("requests round-trip; a bare `status` line is accepted")
    func roundTrip() throws {
        let request = ControlRequest(command: .maintenanceOn, instance: "VI_1", reason: "upgrade", strict: true)
        let line = Array(request.line().utf8.dropLast())
        #expect(try ControlRequest.decode(line) == request)
        #expect(try ControlRequest.decode(Array("status".utf8)).command == .status)
        #expect(try ControlRequest.decode(Array(#"{"version":1,"command":"drill","holdSeconds":3}"#.utf8)).holdSeconds == 3)
    }

    @Test("malformed, unknown, other versions and oversized requests are typed errors, never a crash")
    func errors() {
        #expect(throws: ControlRequest.DecodingError.unsupportedVersion(2)) { try ControlRequest.decode(Array(#"{"version":2,"command":"status"}"#.utf8)) }
        #expect(throws: ControlRequest.DecodingError.self) { try ControlRequest.decode(Array(#"{"version":1,"command":"reboot"}"#.utf8)) }
        #expect(throws: ControlRequest.DecodingError.self) { try ControlRequest.decode(Array("{".utf8)) }
        #expect(throws: ControlRequest.DecodingError.tooLong(70_000)) { try ControlRequest.decode([UInt8](repeating: 0x7b, count: 70_000)) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0..<200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? ControlRequest.decode(bytes)
        }
    }

    @Test("drill seconds outside their range (negative, NaN, infinite, 1e300, past 24 h) are an error naming the range, never a trap")
    func outOfRange() throws {
        let refused: [(String, String)] = [("holdSeconds", "1e300"), ("holdSeconds", "1e17"), ("holdSeconds", "-1"), ("holdSeconds", "86400.5"),
                                           ("holdSeconds", "-1e300"), ("timeoutSeconds", "1e300"), ("timeoutSeconds", "0"), ("timeoutSeconds", "-0.5"),
                                           ("timeoutSeconds", "3601")]
        for (field, value) in refused {
            let line = Array(#"{"version":1,"command":"drill","\#(field)":\#(value)}"#.utf8)
            let error = try #require(throws: ControlRequest.DecodingError.self) { try ControlRequest.decode(line) }
            guard case .outOfRange(let limit, _) = error else {
                Issue.record("\(field) \(value): \(error)")
                continue
            }
            #expect(limit.rawValue == field)
            #expect("\(error)".contains(field == "holdSeconds" ? "from 0 to 86400 seconds (24 h)" : "from 0.1 to 3600 seconds (1 h)"), "\(error)")
        }
        // JSON has no NaN or infinity; a number too large for a Double is an error either way.
        #expect(throws: ControlRequest.DecodingError.self) { try ControlRequest.decode(Array(#"{"version":1,"command":"drill","holdSeconds":1e400}"#.utf8)) }
        for value in [Double.nan, .infinity, -.infinity] {
            #expect(throws: ControlRequest.DecodingError.self) { try ControlRequest(command: .drill, holdSeconds: value).validate() }
            #expect(throws: ControlRequest.DecodingError.self) { try ControlRequest(command: .drill, timeoutSeconds: value).validate() }
        }
        let longest = try ControlRequest.decode(Array(#"{"version":1,"command":"drill","holdSeconds":86400,"timeoutSeconds":3600}"#.utf8))
        #expect(longest.hold == .seconds(86_400) && longest.timeout == .seconds(3_600))
        let defaults = try ControlRequest.decode(Array(#"{"version":1,"command":"drill"}"#.utf8))
        #expect(defaults.hold == .seconds(10) && defaults.timeout == .seconds(30))
        #expect(try ControlRequest.decode(Array(#"{"version":1,"command":"drill","holdSeconds":0,"timeoutSeconds":0.1}"#.utf8)).hold == .zero)
    }
}
