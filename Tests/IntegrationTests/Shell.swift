import Foundation
import Testing

/// Runs commands for the namespace tests, capturing their output.
enum Shell {
    struct Result {
        var status: Int32
        var output: String
    }

    /// Runs `/bin/sh -c command` to completion (bounded by `timeout`) and returns its status
    /// and combined output.
    @discardableResult
    static func run(_ command: String, timeout: TimeInterval = 30) -> Result {
        let (status, output) = ChildLauncher.run(["/bin/sh", "-c", command], timeout: timeout)
        return Result(status: status, output: String(decoding: output, as: UTF8.self))
    }

    /// Runs a command that must succeed; records a test issue otherwise.
    static func must(_ command: String) -> String {
        let result = run(command)
        if result.status != 0 {
            fatalErrorInTest("`\(command)` failed (\(result.status)): \(result.output)")
        }
        return result.output
    }

    static func fatalErrorInTest(_ message: String) {
        FileHandle.standardError.write(Data("lab: \(message)\n".utf8))
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns the time it
/// took, or nil on timeout.
func waitUntil(timeout: TimeInterval, _ condition: () -> Bool) -> TimeInterval? {
    let start = Date()
    while Date().timeIntervalSince(start) < timeout {
        if condition() { return Date().timeIntervalSince(start) }
        usleep(10_000)
    }
    return condition() ? Date().timeIntervalSince(start) : nil
}

/// Whether this run can create namespaces; in CI it must.
enum Privileges {
    static var ci: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    static var canUseNamespaces: Bool {
        geteuid() == 0 && Shell.run("ip netns list").status == 0
    }
}

/// Every namespace suite is nested here and runs one at a time: parallel labs on a 2-core
/// machine would eat into the protocol-timing margins the tests check.
@Suite("network namespaces", .serialized)
struct NamespaceSuites {}
