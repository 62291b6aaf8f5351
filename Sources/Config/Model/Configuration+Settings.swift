import VRRP

/// Comparing definitions by what they do, not where they are written: `vipkeeper run` reloads
/// on SIGHUP and keeps the state of every instance whose settings did not change, even when an
/// edit above it moved its lines.
extension SourceLocation {
    /// Stands for "no position" in a definition compared by settings.
    public static let unplaced = SourceLocation(file: "", line: 0, column: 0)
}

extension InstanceDefinition {
    /// This definition with every source position cleared.
    public var settings: InstanceDefinition {
        var copy = self
        copy.location = .unplaced
        copy.priorityLocation = nil
        copy.nopreemptLocation = nil
        copy.preemptDelayLocation = nil
        copy.virtualRouterIDLocation = nil
        copy.virtualAddressesLocation = nil
        copy.versionLocation = nil
        copy.advertisementIntervalLocation = nil
        copy.authenticationLocation = nil
        copy.sourceAddressLocation = nil
        copy.unicastPeerLocations = []
        copy.unicastTTLLocation = nil
        copy.addressLeaseLocation = nil
        copy.sendsOnBaseLocation = nil
        copy.virtualMAC?.location = .unplaced
        copy.virtualAddresses = virtualAddresses.map { var entry = $0; entry.location = .unplaced; return entry }
        copy.excludedAddresses = excludedAddresses.map { var entry = $0; entry.location = .unplaced; return entry }
        copy.trackedInterfaces = trackedInterfaces.map { var entry = $0; entry.location = .unplaced; return entry }
        copy.trackedChecks = trackedChecks.map { var entry = $0; entry.location = .unplaced; return entry }
        copy.trackedFiles = trackedFiles.map { var entry = $0; entry.location = .unplaced; return entry }
        copy.trackedProcesses = trackedProcesses.map { var entry = $0; entry.location = .unplaced; return entry }
        copy.virtualRoutes = virtualRoutes.map { var entry = $0; entry.location = .unplaced; return entry }
        copy.virtualRules = virtualRules.map { var entry = $0; entry.location = .unplaced; return entry }
        return copy
    }
}

extension ScriptCheckDefinition {
    /// This definition with its source position cleared.
    public var settings: ScriptCheckDefinition {
        var copy = self
        copy.location = .unplaced
        return copy
    }
}

extension HTTPCheckDefinition {
    /// This definition with its source position cleared.
    public var settings: HTTPCheckDefinition {
        var copy = self
        copy.location = .unplaced
        return copy
    }
}
