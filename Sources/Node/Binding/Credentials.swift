/// The user and group a script runs as, resolved when a configuration is bound (user names
/// are looked up then, never on the event loop). -1 keeps the daemon's own.
public struct Credentials: Hashable, Sendable {
    public var userID: Int32
    public var groupID: Int32

    public init(userID: Int32, groupID: Int32) {
        self.userID = userID
        self.groupID = groupID
    }

    public static let inherit = Credentials(userID: -1, groupID: -1)
}
