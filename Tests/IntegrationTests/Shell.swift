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

    /// Runs a set-up command that must succeed: a failure fails the test that ran it (a lab
    /// whose nft rule or veth was never made must not let the test pass).
    @discardableResult
    static func must(_ command: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let result = run(command)
        if result.status != 0 {
            Issue.record("set-up command failed (\(result.status)): `\(command)`: \(result.output)", sourceLocation: sourceLocation)
        }
        return result.output
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns the time it
/// took, or nil on timeout. Timed on CLOCK_MONOTONIC: a wall clock that steps (NTP) must
/// neither cut a wait short nor stretch it.
func waitUntil(timeout: TimeInterval, _ condition: () -> Bool) -> TimeInterval? {
    let clock = ChildLauncher.monotonicSeconds
    let start = clock()
    while clock() - start < timeout {
        if condition() { return clock() - start }
        usleep(10_000)
    }
    return condition() ? clock() - start : nil
}

/// CPU seconds (user + system) a process has used, from /proc/PID/stat; nil when it cannot
/// be read (the process is gone).
func cpuSeconds(_ pid: Int32) -> Double? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return nil }
    let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// The repository's root (examples/, bench/), from this file's path.
let repositoryRoot: String = {
    var path = #filePath
    for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
    return path
}()

/// Whether this run can create namespaces; in CI it must.
enum Privileges {
    static var ci: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    static var canUseNamespaces: Bool {
        geteuid() == 0 && Shell.run("ip netns list").status == 0
    }

    /// Namespace tests run as root; without root they are skipped (reported as skipped, not
    /// passed) — except in CI, where they run and fail when they cannot.
    static var runNamespaceTests: Bool { ci || canUseNamespaces }
}

/// Every namespace suite is nested here and runs one at a time: parallel labs on a 2-core
/// machine would eat into the protocol-timing margins the tests check.
@Suite("network namespaces", .serialized, .enabled(if: Privileges.runNamespaceTests, "needs root and ip netns (run scripts/test.sh as root)"))
struct NamespaceSuites {}

/// keepalived is the interoperability peer; scripts/test.sh installs it, so a namespace test
/// that finds it missing fails.
func keepalivedInstalled(sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
    if FileManager.default.isExecutableFile(atPath: "/usr/sbin/keepalived") { return true }
    Issue.record("keepalived is not installed (scripts/install-deps.sh installs it)", sourceLocation: sourceLocation)
    return false
}
