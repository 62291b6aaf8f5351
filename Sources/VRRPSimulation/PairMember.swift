import Config

/// One machine of a what-if cluster (`PairWhatIf`): its parsed configuration file and the
/// name the report calls it by (the file's name without `.conf`).
public struct PairMember: Sendable {
    public var name: String
    public var path: String
    public var configuration: Configuration

    public init(name: String, path: String, configuration: Configuration) {
        self.name = name
        self.path = path
        self.configuration = configuration
    }

    /// The report's name for a file: its base name without `.conf` (`node-a.conf` → `node-a`).
    public static func name(ofPath path: String) -> String {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        return base.hasSuffix(".conf") ? String(base.dropLast(5)) : base
    }
}

extension PairMember {
    /// The directory a what-if reads files with: the files are meant for other machines, so
    /// every user and group they name is taken to exist there.
    public static let anyUser = UserDirectory(userExists: { _ in true }, groupExists: { _ in true })

    /// Reads and validates a node's file for a what-if: its conditional lines (`@node-a ...`)
    /// for its name as config-id; its scripts are not looked for here (they live on that
    /// node). The member is nil when the file has errors.
    public static func load(path: String) -> (member: PairMember?, result: ConfigurationLoader.Result) {
        let name = name(ofPath: path)
        let result = ConfigurationLoader.load(path: path, configID: name, users: anyUser, checksScriptFiles: false)
        return (result.configuration.map { PairMember(name: name, path: path, configuration: $0) }, result)
    }
}
