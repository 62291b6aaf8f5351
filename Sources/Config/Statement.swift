/// One statement of the generic configuration tree: its words and, for a block, the
/// statements inside it.
public struct Statement: Hashable, Sendable {
    /// The keyword followed by its arguments.
    public var words: [Token]
    /// The statements of `{ ... }`, or nil when the statement has no block.
    public var block: [Statement]?
    /// The block opened and closed on one line (`authentication { auth_type PASS auth_pass x }`):
    /// its single inner line may hold several statements.
    public var isOneLineBlock: Bool

    public init(words: [Token], block: [Statement]? = nil, isOneLineBlock: Bool = false) {
        self.words = words
        self.block = block
        self.isOneLineBlock = isOneLineBlock
    }

    public var keyword: Token { words[0] }
    public var arguments: ArraySlice<Token> { words.dropFirst() }
    public var location: SourceLocation { words[0].location }
}
