#if canImport(Glibc)
import Glibc
#endif
@testable import Config

/// A scratch directory with configuration files, removed when the test is done.
final class TemporaryConfig {
    let directory: String

    init() {
        var template = Array("/tmp/vipkeeper-config-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        directory = String(cString: made!)
    }

    deinit {
        _ = system("rm -rf '\(directory)'")
    }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let path = directory + "/" + name
        if let slash = name.lastIndex(of: "/") {
            _ = system("mkdir -p '\(directory)/\(name[..<slash])'")
        }
        let file = fopen(path, "w")!
        fputs(text, file)
        fclose(file)
        return path
    }

    /// Writes bytes as they are (a file in another encoding than UTF-8).
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) -> String {
        let path = directory + "/" + name
        let file = fopen(path, "w")!
        _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
        return path
    }

    func load(_ text: String, name: String = "keepalived.conf", configID: String = ConfigurationLoader.nodeConfigID) -> ConfigurationLoader.Result {
        ConfigurationLoader.load(path: write(name, text), configID: configID)
    }
}

/// The package root, found from this source file's path.
let packageRoot: String = {
    var path = #filePath
    for _ in 0..<3 {
        path = String(path[..<path.lastIndex(of: "/")!])
    }
    return path
}()

/// "line:col: severity: message" without the file, for compact assertions.
func short(_ diagnostics: [Diagnostic]) -> [String] {
    diagnostics.map { "\($0.location.line):\($0.location.column): \($0.severity.rawValue): \($0.message)" }
}

/// A minimal valid instance to embed in test configurations.
let minimalInstance = """
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    virtual_ipaddress {
        10.250.0.66
    }
}
"""

/// `minimalInstance` with `lines` after its `interface eth0` (indented as an instance keyword).
func minimalInstance(with lines: String) -> String {
    minimalInstance.replacingOccurrences(of: "interface eth0", with: "interface eth0\n    " + lines)
}
