import Config
import VRRP

/// A configured virtual address resolved to the interface it lives on.
struct VirtualAddressBinding {
    var address: VirtualAddress
    var interface: String
    var interfaceIndex: Int32
    var hardwareAddress: [UInt8]
}
