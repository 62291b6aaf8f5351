#if canImport(Glibc)
import Glibc
#endif

/// Writes lines to file descriptor 2 (Swift 6 rejects the C global `stderr`).
enum StandardError {
    static func write(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            offset += written
        }
    }
}
