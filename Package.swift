// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "vipkeeper",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "vipkeeper", targets: ["vipkeeper"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Pure, deterministic VRRPv2 core: packets, receive validation, state machine, tracker
        // math. No sockets, no clocks, no Foundation.
        .target(name: "VRRP"),
        // Test support: a seeded, virtual-time cluster simulator with invariants.
        .target(name: "VRRPSimulation", dependencies: ["VRRP"]),
        // keepalived.conf dialect: lexer, parser, typed model, validation with diagnostics.
        .target(name: "Config", dependencies: ["VRRP"]),
        .executableTarget(
            name: "vipkeeper",
            dependencies: [
                "VRRP", "Config",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "VRRPTests", dependencies: ["VRRP"]),
        .testTarget(name: "VRRPSimulationTests", dependencies: ["VRRP", "VRRPSimulation"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "VRRP"]),
        .testTarget(name: "vipkeeperTests", dependencies: ["vipkeeper"]),
    ]
)
