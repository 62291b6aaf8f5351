/// A network interface as the kernel knows it when a configuration is bound.
public struct Device: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var index: Int32
    public var hardwareAddress: [UInt8]

    public init(name: String, index: Int32, hardwareAddress: [UInt8]) {
        self.name = name
        self.index = index
        self.hardwareAddress = hardwareAddress
    }

    public var description: String { name }
}
