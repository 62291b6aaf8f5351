import Config
import Node
import Testing
@testable import Agent

@Suite("the user scripts run as, chosen by the binder")
struct ScriptUserTests {
    /// A user database with `keepalived_script` (uid 990, gid 991) and `checker` (uid 500).
    static let withScriptUser = UserDirectory(
        user: { ["keepalived_script": (990, 991), "checker": (500, 500)][$0] },
        group: { ["ops": 700][$0] })
    static let withoutScriptUser = UserDirectory(user: { $0 == "checker" ? (500, 500) : nil }, group: { _ in nil })

    @Test("no user and no script_user: keepalived_script when that user exists, as keepalived does; else the daemon's own (root)")
    func keepalivedScriptByDefault() throws {
        let chosen = try ConfigurationBinder.credentials(user: nil, group: nil, for: "x", users: Self.withScriptUser)
        #expect(chosen == Credentials(userID: 990, groupID: 991))
        let fallback = try ConfigurationBinder.credentials(user: nil, group: nil, for: "x", users: Self.withoutScriptUser)
        #expect(fallback == .inherit)
    }

    @Test("a named user wins over keepalived_script, with its own group or the one named; an unknown name is an error")
    func namedUserWins() throws {
        #expect(try ConfigurationBinder.credentials(user: "checker", group: nil, for: "x", users: Self.withScriptUser)
                == Credentials(userID: 500, groupID: 500))
        #expect(try ConfigurationBinder.credentials(user: "checker", group: "ops", for: "x", users: Self.withScriptUser)
                == Credentials(userID: 500, groupID: 700))
        #expect(throws: AgentError.self) { try ConfigurationBinder.credentials(user: "nobody-here", group: nil, for: "x", users: Self.withScriptUser) }
    }

    @Test("the start-up log line says which user runs scripts that name none")
    func logLine() {
        var configuration = Configuration()
        let bound = { (credentials: Credentials) in
            BoundConfiguration(instances: [], checks: [], syncGroups: [], notifyCredentials: credentials, routerID: nil)
        }
        #expect(ConfigurationBinder.scriptUserSentence(configuration, bound: bound(Credentials(userID: 990, groupID: 991)))
                == "no script_user: scripts run as keepalived_script (uid 990, gid 991), as keepalived does")
        #expect(ConfigurationBinder.scriptUserSentence(configuration, bound: bound(.inherit))?.contains("scripts run as root") == true)
        configuration.globals.scriptUser = "checker"
        #expect(ConfigurationBinder.scriptUserSentence(configuration, bound: bound(.inherit)) == nil)
    }
}
