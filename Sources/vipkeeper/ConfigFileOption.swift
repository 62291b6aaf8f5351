import ArgumentParser
import Config

/// `-f/--config FILE` and `-i/--config-id ID`, shared by every subcommand that reads the
/// configuration.
struct ConfigFileOption: ParsableArguments {
    @Option(name: [.customShort("f"), .customLong("config")],
            help: ArgumentHelp("Configuration file (keepalived.conf dialect).",
                               discussion: "Default: \(ConfigurationLoader.defaultPaths.joined(separator: ", falling back to "))."))
    var path: String?

    @Option(name: [.customShort("i"), .customLong("config-id")],
            help: ArgumentHelp("Read the file's conditional lines for ID, as keepalived's -i/--config-id: a line starting `@ID` is read only when ID matches, one starting `@^ID` only when it does not.",
                               discussion: "Default: the node name up to its first `.`, as in keepalived.",
                               valueName: "ID"))
    var configID: String?

    var resolvedPath: String { path ?? ConfigurationLoader.defaultPath() }

    var resolvedConfigID: String { configID ?? ConfigurationLoader.nodeConfigID }

    /// Reads and validates the configuration file for the config-id.
    func load() -> ConfigurationLoader.Result {
        ConfigurationLoader.load(path: resolvedPath, configID: resolvedConfigID)
    }
}
