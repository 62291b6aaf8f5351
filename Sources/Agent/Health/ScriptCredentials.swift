#if canImport(Glibc)
import Glibc
#endif

/// The user and group a script runs as (`user` in vrrp_script, else `script_user` in
/// global_defs, else the daemon's own).
struct ScriptCredentials: Equatable {
    var userID: Int32
    var groupID: Int32

    static let inherit = ScriptCredentials(userID: -1, groupID: -1)

    enum Failure: Error, CustomStringConvertible {
        case unknownUser(String)
        case unknownGroup(String)
        var description: String {
            switch self {
            case .unknownUser(let name): return "user \(name) does not exist"
            case .unknownGroup(let name): return "group \(name) does not exist"
            }
        }
    }

    static func resolve(user: String?, group: String?) throws(Failure) -> ScriptCredentials {
        guard let user else { return .inherit }
        guard let entry = getpwnam(user) else { throw .unknownUser(user) }
        var groupID = Int32(bitPattern: entry.pointee.pw_gid)
        if let group {
            guard let groupEntry = getgrnam(group) else { throw .unknownGroup(group) }
            groupID = Int32(bitPattern: groupEntry.pointee.gr_gid)
        }
        return ScriptCredentials(userID: Int32(bitPattern: entry.pointee.pw_uid), groupID: groupID)
    }
}
