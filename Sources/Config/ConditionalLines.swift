/// keepalived's conditional lines (lib/parser.c, `read_line`), which let one file serve
/// several nodes: a line starting `@ID` is read only on the node whose config-id is ID, one
/// starting `@^ID` only on the others. The config-id is the node name up to its first `.`
/// unless `--config-id` names another.
public struct ConditionalLines: Hashable, Sendable {
    /// Lines whose condition held, read without their `@ID ` prefix.
    public var applied = 0
    /// Lines whose condition did not hold, and `@ID` lines with nothing after the id: skipped.
    public var skipped = 0

    public init(applied: Int = 0, skipped: Int = 0) {
        self.applied = applied
        self.skipped = skipped
    }

    public var total: Int { applied + skipped }
}
