import ArgumentParser

@main
struct VipKeeper: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vipkeeper",
        abstract: "VRRP (v2 and v3, IPv4 and IPv6) failover agent for Harbor nodes; reads keepalived.conf.",
        version: BuildInfo.description,
        subcommands: [RunCommand.self, CheckCommand.self, StatusCommand.self, DrillCommand.self, MaintenanceCommand.self]
    )
}
