import Config
import Node

extension Array where Element == HostAddress {
    /// RTM_NEWADDR of a configured address in a simulated kernel: like Linux for IPv4, the same
    /// address with another prefix is a second entry, and the same form again is no error.
    mutating func add(_ address: VirtualAddress) {
        let form = HostAddress(address)
        if !contains(where: { $0.address == form.address && $0.prefixLength == form.prefixLength }) {
            append(form)
        }
    }

    /// RTM_DELADDR: removes only the entry of the address's own prefix (and label, if it
    /// names one); absent is no error.
    mutating func remove(_ address: VirtualAddress) {
        removeAll {
            $0.address == address.address && $0.prefixLength == address.prefixLength && (address.label == nil || $0.label == address.label)
        }
    }
}
