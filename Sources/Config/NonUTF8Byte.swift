/// The first byte of a word that is not UTF-8: keepalived reads a file as bytes, so a
/// GBK or Latin-1 comment must not refuse a file, but a keyword or value vipkeeper uses is
/// text; where such a word matters the reader reports this byte (`file:line:col`).
public struct NonUTF8Byte: Hashable, Sendable, CustomStringConvertible {
    public var value: UInt8
    public var location: SourceLocation

    public init(_ value: UInt8, at location: SourceLocation) {
        self.value = value
        self.location = location
    }

    /// `0xE4`.
    public var description: String {
        let digits = String(value, radix: 16, uppercase: true)
        return "0x" + (digits.count == 1 ? "0" : "") + digits
    }
}
