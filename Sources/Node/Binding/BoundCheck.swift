import Config

/// A check an instance tracks, ready to run: the command with the credentials it runs as, or
/// the HTTP request. Two checks are the same check exactly when their `BoundCheck`s are equal:
/// a reload keeps such a check running (verdict, counts, a run in flight); anything else that
/// changed, `script_user` included, makes it a new check.
public struct BoundCheck: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case script(ScriptCommand, Credentials)
        /// The definition with its source position cleared.
        case http(HTTPCheckDefinition)

        public var label: String {
            switch self {
            case .script: return "script"
            case .http: return "http"
            }
        }
    }

    public var name: String
    public var kind: Kind
    public var schedule: CheckSchedule

    public init(name: String, kind: Kind, schedule: CheckSchedule) {
        self.name = name
        self.kind = kind
        self.schedule = schedule
    }
}
