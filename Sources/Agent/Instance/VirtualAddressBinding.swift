import Config
import VRRP

/// A configured virtual address resolved to the interface it lives on.
struct VirtualAddressBinding {
    var address: VirtualAddress
    var interface: String
    var interfaceIndex: Int32
    var hardwareAddress: [UInt8]

    /// The link an address lives on, as the kernel knows it.
    struct Device: Equatable {
        var interfaceIndex: Int32
        var hardwareAddress: [UInt8]
    }

    var device: Device { Device(interfaceIndex: interfaceIndex, hardwareAddress: hardwareAddress) }
}
