import ArgumentParser
import ControlProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `vipkeeper drill`: a failover drill, run on the Master.
struct DrillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drill",
        abstract: "Hand the VIP to the peer and back, and measure how long it took.",
        discussion: """
        Run it on the Master. The node hands over as a Master shutting down does (priority-0 \
        advert; its VIPs stay until the new Master has announced itself: make-before-break), \
        then measures the time to the new Master's first advert, whether its gratuitous ARP \
        was seen on the wire, and how long both nodes held the VIPs. If no other Master is heard within \
        Skew_Time + one advert interval the node takes the VIP back at once and the drill \
        FAILS: no backup took over. After --hold seconds it takes the VIP back (preempt) or \
        stays Backup (nopreempt). With --probe http://VIP/api/v2.0/ping it GETs the URL every \
        20 ms from this node and reports the outage a client saw. \
        Exit status: 0 passed; 1 failed; 2 refused (not Master, a check failing, in \
        maintenance, a drill running, a sync group member named alone...); 3 the daemon \
        could not be reached.
        """
    )

    @Option(name: .long, help: "The instance or sync group to drill (default: the only one).")
    var instance: String?

    @Option(name: .long, help: "Probe this http URL through the VIP every 20 ms.")
    var probe: String?

    @Option(name: .long, help: "Seconds the peer holds the VIP before it is taken back (0 to 86400).")
    var hold: Double = 10

    @Option(name: .long, help: "Seconds the return leg may take (0.1 to 3600).")
    var timeout: Double = 30

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @Flag(name: .long, help: "Say what would happen and check the refusals; change nothing.")
    var dryRun = false

    @OptionGroup var control: ControlSocketOption

    struct Output: Codable {
        var drill: DrillReport
        var probe: HTTPProber.Summary?
    }

    func validate() throws {
        do {
            try ControlRequest(command: .drill, holdSeconds: hold, timeoutSeconds: timeout).validate()
        } catch {
            throw ValidationError("\(error)")
        }
        if let probe, HTTPProber(probe) == nil { throw ValidationError("--probe takes an http:// or https:// URL, such as http://VIP/api/v2.0/ping") }
    }

    func run() throws {
        let prober = probe.flatMap(HTTPProber.init)
        prober?.start()
        if prober != nil { usleep(300_000) }  // a baseline before the hand-over
        let reply: ControlReply
        do {
            reply = try ControlClient.send(ControlRequest(command: .drill, instance: instance, holdSeconds: hold, timeoutSeconds: timeout,
                                                          dryRun: dryRun), socketPath: control.socket)
        } catch {
            _ = prober?.stop()
            StandardError.write("vipkeeper: \(error)")
            throw ExitCode(3)
        }
        guard reply.outcome == .ok else {
            _ = prober?.stop()
            StandardError.write("vipkeeper: drill refused: \(reply.message ?? "no reason given")")
            throw ExitCode(reply.outcome == .refused ? 2 : 3)
        }
        if dryRun {
            _ = prober?.stop()
            print(reply.message ?? "dry run")
            return
        }
        let report = try follow()
        if report.result == .passed && report.returnMode == "preempt" { usleep(700_000) }  // let the probe see the return
        let output = Output(drill: report, probe: prober?.stop())
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
        } else {
            print(Self.text(output))
        }
        if report.result != .passed { throw ExitCode(1) }
    }

    /// Polls the daemon until the drill has ended (bounded by hold + timeout + a margin).
    private func follow() throws -> DrillReport {
        let deadline = Date().addingTimeInterval(hold + timeout + 15)
        var last: DrillReport?
        while Date() < deadline {
            usleep(50_000)
            guard let report = (try? ControlClient.send(ControlRequest(command: .status), socketPath: control.socket))?.status?.lastDrill else {
                continue
            }
            last = report
            if report.result != .running { return report }
        }
        StandardError.write("vipkeeper: the drill did not end within \(Int(hold + timeout + 15)) s")
        if let last { return last }
        throw ExitCode(3)
    }

    static func text(_ output: Output) -> String {
        let drill = output.drill
        func seconds(_ value: Double?) -> String { value.map { "\(Self.milliseconds($0)) s" } ?? "-" }
        var lines = ["drill of \(drill.target) (\(drill.instances.joined(separator: ", "))): \(drill.result.rawValue.uppercased())"
            + (drill.verdict.map { ": \($0)" } ?? "")]
        if let master = drill.newMaster {
            lines.append("  handover: \(master) advertised as Master after \(seconds(drill.firstAdvertSeconds)); local VIPs gone after \(seconds(drill.addressesGoneSeconds)); \(drill.gratuitousARPExpected == false ? "no gratuitous ARP to hear (the VIPs are routed: its BGP route announces them)" : "its gratuitous ARP \(drill.gratuitousARPSeen ? "was seen" : "was NOT seen")")")
            if let overlap = drill.overlapSeconds {
                lines.append(overlap >= 0 ? "  make-before-break: both nodes held the VIPs for \(seconds(overlap)) (as this node saw it)"
                                          : "  the VIPs went \(seconds(-overlap)) before the new Master's first advert (vrrp_handover immediate)")
            }
            if let gap = drill.gapSeconds, gap > 0 {
                lines.append("  no node answered a client with a stale ARP entry for \(seconds(gap)) (VIPs gone -> the new Master's gratuitous ARP)")
            }
        }
        if let back = drill.takenBackSeconds { lines.append("  this node took the VIP back after \(seconds(back))") }
        lines.append("  hold \(milliseconds(drill.holdSeconds)) s, return: \(drill.returnMode)" + (drill.returnSeconds.map { ", back in \(milliseconds($0)) s" } ?? ""))
        if let probe = output.probe {
            lines.append("  probe \(probe.url): \(probe.tries) tries, \(probe.failures) failed, longest outage \(milliseconds(probe.longestOutageSeconds)) s"
                + (probe.outages.isEmpty ? "" : " (" + probe.outages.map { "\(milliseconds($0.seconds)) s at +\(milliseconds($0.start))" }.joined(separator: ", ") + ")"))
        }
        return lines.joined(separator: "\n")
    }

    /// Seconds with three decimals (`0.612`), without Foundation's formatting; a value from
    /// the reply that is no number of milliseconds (NaN, huge) is shown as it is, not trapped on.
    static func milliseconds(_ seconds: Double) -> String {
        guard let millis = Int(exactly: (seconds * 1000).rounded()) else { return "\(seconds)" }
        return "\(millis / 1000).\(String(String(millis.magnitude % 1000 + 1000).dropFirst()))"
    }
}
