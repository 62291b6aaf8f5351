#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Config
import Node
#if canImport(Glibc)
import Glibc
#endif

/// The unit's ExecStopPost after `systemctl restart`: when the daemon handed off (`vipkeeper
/// hand-off`) and the next process then failed to start, nobody takes the hand-off's record,
/// and the VIPs it left would stay on this node while the peer takes them over. They go here.
/// systemd runs ExecStopPost after the handing-off process exits as well (its result
/// `success`, the next start still to come), so this only acts when the unit's result is a
/// failure (`SERVICE_RESULT`).
public enum AbandonedHandOff {
    /// Removes the VIPs of the instances an untaken hand-off record names (its writer gone),
    /// and then the record; returns what was removed. Nothing when there is no such record.
    /// Every address is tried; one that cannot be removed is an error naming all of them, and
    /// the record stays, so the next ExecStopPost (or the next start) tries again.
    public static func release(_ configuration: Configuration, stateDirectory: String) throws(AgentError) -> [String] {
        guard let record = MasterResume.untakenHandOff(directory: stateDirectory) else { return [] }
        let file = MasterResume.path(in: stateDirectory)
        let links = try NetlinkSocket()
        let bound: BoundConfiguration
        do {
            bound = try Binder.bind(configuration, on: SystemHost(links: links))
        } catch {
            throw .state(path: file, reason: "the configuration does not bind to this machine (\(error)); the VIPs of \(record.masters.joined(separator: ", ")) may be left")
        }
        let addresses = try AddressManager()
        var removed: [String] = [], failed: [String] = []
        for instance in bound.instances where record.masters.contains(instance.name) {
            for binding in instance.virtualAddresses where binding.device.index != 0 {
                do {
                    if try addresses.remove(binding.address, interfaceIndex: binding.device.index) == .changed {
                        removed.append("[\(instance.name)] \(binding)")
                    }
                } catch {
                    failed.append("[\(instance.name)] \(binding): \(error)")
                }
            }
        }
        guard failed.isEmpty else {
            throw .state(path: file, reason: "could not remove \(failed.joined(separator: "; "))" + (removed.isEmpty ? "" : " (removed \(removed.joined(separator: ", ")))"))
        }
        unlink(file)
        return removed
    }
}
