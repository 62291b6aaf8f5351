/// A word of the configuration: a bare word, a quoted string (quotes removed), or a brace.
public struct Token: Hashable, Sendable, CustomStringConvertible {
    /// The word's bytes as UTF-8 text; a byte that is not UTF-8 reads as U+FFFD here and is
    /// kept in `nonUTF8`.
    public var text: String
    public var quoted: Bool
    public var location: SourceLocation
    /// The word's first byte that is not UTF-8, or nil when the word is UTF-8 text.
    public var nonUTF8: NonUTF8Byte?

    public init(_ text: String, quoted: Bool = false, at location: SourceLocation, nonUTF8: NonUTF8Byte? = nil) {
        self.text = text
        self.quoted = quoted
        self.location = location
        self.nonUTF8 = nonUTF8
    }

    var isOpenBrace: Bool { !quoted && text == "{" }
    var isCloseBrace: Bool { !quoted && text == "}" }

    public var description: String { quoted ? "\"\(text)\"" : text }
}
