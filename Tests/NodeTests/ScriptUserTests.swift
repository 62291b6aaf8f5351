import Config
import Node
import Testing
import VRRP

/// A user database and nothing else, for the binder's choice of a script's user.
struct UserTable: HostLookup {
    var users: [String: (userID: Int32, groupID: Int32)]
    var groups: [String: Int32] = [:]

    func interface(named name: String) -> HostInterface? { nil }
    func interface(holding address: IPAddress) -> String? { nil }
    func user(named name: String) -> (userID: Int32, groupID: Int32)? { users[name] }
    func group(named name: String) -> Int32? { groups[name] }
}

@Suite("the user scripts run as, chosen by the binder")
struct ScriptUserTests {
    /// A user database with `keepalived_script` (uid 990, gid 991) and `checker` (uid 500).
    static let withScriptUser = UserTable(users: ["keepalived_script": (990, 991), "checker": (500, 500)], groups: ["ops": 700])
    static let withoutScriptUser = UserTable(users: ["checker": (500, 500)])

    @Test("no user and no script_user: keepalived_script when that user exists, as keepalived does; else the daemon's own (root)")
    func keepalivedScriptByDefault() throws {
        let chosen = try Binder.credentials(user: nil, group: nil, for: "x", on: Self.withScriptUser)
        #expect(chosen == Credentials(userID: 990, groupID: 991))
        let fallback = try Binder.credentials(user: nil, group: nil, for: "x", on: Self.withoutScriptUser)
        #expect(fallback == .inherit)
    }

    @Test("a named user wins over keepalived_script, with its own group or the one named; an unknown name is an error")
    func namedUserWins() throws {
        #expect(try Binder.credentials(user: "checker", group: nil, for: "x", on: Self.withScriptUser)
                == Credentials(userID: 500, groupID: 500))
        #expect(try Binder.credentials(user: "checker", group: "ops", for: "x", on: Self.withScriptUser)
                == Credentials(userID: 500, groupID: 700))
        #expect(throws: BindError.self) { try Binder.credentials(user: "nobody-here", group: nil, for: "x", on: Self.withScriptUser) }
    }

    @Test("the start-up log line says which user runs scripts that name none")
    func logLine() {
        var configuration = Configuration()
        let bound = { (credentials: Credentials) in
            BoundConfiguration(instances: [], checks: [], syncGroups: [], notifyCredentials: credentials, routerID: nil)
        }
        #expect(Binder.scriptUserSentence(configuration, bound: bound(Credentials(userID: 990, groupID: 991)))
                == "no script_user: scripts run as keepalived_script (uid 990, gid 991), as keepalived does")
        #expect(Binder.scriptUserSentence(configuration, bound: bound(.inherit))?.contains("scripts run as root") == true)
        configuration.globals.scriptUser = "checker"
        #expect(Binder.scriptUserSentence(configuration, bound: bound(.inherit)) == nil)
    }
}
