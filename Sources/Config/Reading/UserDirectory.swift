#if canImport(Glibc)
import Glibc
#endif

/// Which user and group names exist, for the rules keepalived applies while it reads a file
/// (`NotifyUsers`). The system's is NSS (getpwnam/getgrnam); tests pass a table.
public struct UserDirectory: Sendable {
    public var userExists: @Sendable (String) -> Bool
    public var groupExists: @Sendable (String) -> Bool

    public init(userExists: @escaping @Sendable (String) -> Bool, groupExists: @escaping @Sendable (String) -> Bool) {
        self.userExists = userExists
        self.groupExists = groupExists
    }

    /// This machine's users and groups.
    public static let system = UserDirectory(userExists: { getpwnam($0) != nil }, groupExists: { getgrnam($0) != nil })
}
