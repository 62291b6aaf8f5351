import ArgumentParser

@main
struct VipKeeper: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vipkeeper",
        abstract: "VRRPv2 failover agent for Harbor nodes; reads keepalived.conf.",
        version: BuildInfo.description,
        subcommands: [RunCommand.self, CheckCommand.self, StatusCommand.self, DrillCommand.self, MaintenanceCommand.self]
    )
}
