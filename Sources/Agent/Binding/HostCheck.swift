import Config
import Node

/// What `keepalived -t` also checks, and what `vipkeeper run` would refuse at start on this
/// machine: the configuration binds here (its interfaces and VIP devices exist, an interface
/// has an address to send adverts from, script users and groups exist). It runs the binder
/// the daemon runs, on this machine as the daemon sees it.
public enum HostCheck {
    /// nil when the configuration binds; otherwise an error at the place in the file that
    /// names what is missing.
    public static func diagnostic(for configuration: Configuration, path: String) -> Diagnostic? {
        let links: NetlinkSocket
        do { links = try NetlinkSocket() } catch {
            return Diagnostic(.error, at: SourceLocation(file: path, line: 1, column: 1),
                              "cannot read this machine's interfaces: \(error) (--no-host-checks checks the file alone)")
        }
        do {
            _ = try Binder.bind(configuration, on: SystemHost(links: links))
            return nil
        } catch {
            return Diagnostic(.error, at: location(of: error, in: configuration, path: path),
                              "\(error) on this machine (--no-host-checks checks a file for another machine)")
        }
    }

    /// The first place the file names what `error` is about: the instance on the interface,
    /// the virtual address on the device; else the file's start.
    static func location(of error: BindError, in configuration: Configuration, path: String) -> SourceLocation {
        let interface: String
        switch error {
        case .interfaceNotFound(let name), .noSourceAddress(let name, _): interface = name
        case .script, .controlGroup: return SourceLocation(file: path, line: 1, column: 1)
        }
        for instance in configuration.instances {
            if instance.interface == interface { return instance.location }
            if let address = instance.heldAddresses.first(where: { $0.device == interface }) { return address.location }
            if let tracked = instance.trackedInterfaces.first(where: { $0.name == interface }) { return tracked.location }
        }
        return SourceLocation(file: path, line: 1, column: 1)
    }
}
