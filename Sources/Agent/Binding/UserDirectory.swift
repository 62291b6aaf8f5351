#if canImport(Glibc)
import Glibc
#endif

/// Who a user or group name is: the system's user database (getpwnam/getgrnam through NSS),
/// or a fixed table in a test, so the binder's choice of a script's user can be tested
/// without creating users. Used by the binder only, at start and reload.
struct UserDirectory: Sendable {
    var user: @Sendable (String) -> (userID: Int32, groupID: Int32)?
    var group: @Sendable (String) -> Int32?

    static let system = UserDirectory(
        user: { name in
            guard let entry = getpwnam(name) else { return nil }
            return (Int32(bitPattern: entry.pointee.pw_uid), Int32(bitPattern: entry.pointee.pw_gid))
        },
        group: { name in getgrnam(name).map { Int32(bitPattern: $0.pointee.gr_gid) } })
}
