import ArgumentParser
import Config

/// `-f/--config FILE` and `-i/--config-id ID`, shared by every subcommand that reads the
/// configuration.
struct ConfigFileOption: ParsableArguments {
    @Option(name: [.customShort("f"), .customLong("config")],
            help: ArgumentHelp("Configuration file (keepalived.conf dialect).",
                               discussion: "Default: $VIPKEEPER_CONFIG when set, else \(ConfigurationLoader.defaultPaths.joined(separator: ", falling back to "))."))
    var path: String?

    @Option(name: [.customShort("i"), .customLong("config-id")],
            help: ArgumentHelp("Read the file's conditional lines for ID, as keepalived's -i/--config-id: a line starting `@ID` is read only when ID matches, one starting `@^ID` only when it does not.",
                               discussion: "Default: the node name up to its first `.`, as in keepalived.",
                               valueName: "ID"))
    var configID: String?

    /// `-f`, else `$VIPKEEPER_CONFIG` (the unit's /etc/default/vipkeeper sets it), else the
    /// first default path that exists.
    var resolvedPath: String {
        if let path { return path }
        if let fromEnvironment = Environment.current["VIPKEEPER_CONFIG"], !fromEnvironment.isEmpty { return fromEnvironment }
        return ConfigurationLoader.defaultPath()
    }

    var resolvedConfigID: String { configID ?? ConfigurationLoader.nodeConfigID }

    /// Reads and validates the configuration file for the config-id.
    func load() -> ConfigurationLoader.Result {
        ConfigurationLoader.load(path: resolvedPath, configID: resolvedConfigID)
    }
}
