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
}
