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
        copy.virtualAddresses = virtualAddresses.map { var entry = $0; entry.location = .unplaced; return entry }
        copy.trackedInterfaces = trackedInterfaces.map { var entry = $0; entry.location = .unplaced; return entry }
        copy.trackedChecks = trackedChecks.map { var entry = $0; entry.location = .unplaced; return entry }
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

extension Configuration {
    /// Whether `instance` runs exactly the same under both configurations: its own settings,
    /// the global settings that shape its router, and every check it tracks.
    public func runsSame(_ instance: InstanceDefinition, as other: Configuration) -> Bool {
        guard let theirs = other.instances.first(where: { $0.name == instance.name }),
              instance.settings == theirs.settings else { return false }
        let probe = IPv4Address(0, 0, 0, 0)
        guard routerConfiguration(for: instance, interfaceAddress: probe)
                == other.routerConfiguration(for: theirs, interfaceAddress: probe),
              globals.multicastGroup == other.globals.multicastGroup else { return false }
        return instance.trackedChecks.allSatisfy { checkSettings(named: $0.name) == other.checkSettings(named: $0.name) }
    }

    /// A check's definition, position cleared, for comparison; nil when there is none.
    private func checkSettings(named name: String) -> AnyHashable? {
        if let script = scripts.first(where: { $0.name == name }) { return AnyHashable(script.settings) }
        if let check = httpChecks.first(where: { $0.name == name }) { return AnyHashable(check.settings) }
        return nil
    }
}
