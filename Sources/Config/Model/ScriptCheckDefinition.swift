/// `vrrp_script NAME { ... }`.
public struct ScriptCheckDefinition: Hashable, Sendable {
    public var name: String
    public var location: SourceLocation
    public var command: ScriptCommand?
    public var schedule = CheckSchedule()
    public var user: String?
    public var group: String?

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }
}
