import Config

/// A configured virtual address and the device it lives on (`dev`, else the instance's
/// interface).
public struct VirtualAddressBinding: Hashable, Sendable, CustomStringConvertible {
    /// The `virtual_ipaddress` entry, its source position cleared (it is compared on reload).
    public var address: VirtualAddress
    public var device: Device

    public init(address: VirtualAddress, device: Device) {
        var placed = address
        placed.location = .unplaced
        self.address = placed
        self.device = device
    }

    public var description: String { "\(address) dev \(device.name)" }
}
