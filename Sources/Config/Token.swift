/// A word of the configuration: a bare word, a quoted string (quotes removed), or a brace.
public struct Token: Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var quoted: Bool
    public var location: SourceLocation

    public init(_ text: String, quoted: Bool = false, at location: SourceLocation) {
        self.text = text
        self.quoted = quoted
        self.location = location
    }

    var isOpenBrace: Bool { !quoted && text == "{" }
    var isCloseBrace: Bool { !quoted && text == "}" }

    public var description: String { quoted ? "\"\(text)\"" : text }
}
