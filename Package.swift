// swift-tools-version:6.0
import PackageDescription
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

let package = Package(
    name: "vipkeeper",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "vipkeeper", targets: ["vipkeeper"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // Pure, deterministic VRRPv2 core: packets, receive validation, state machine, tracker
        // math. No sockets, no clocks, no Foundation.
        .target(name: "VRRP"),
        // Virtual-time clusters of node models: the seeded chaos simulator the tests run with
        // invariants, and `vipkeeper check --pair`'s what-if of real configuration files.
        .target(name: "VRRPSimulation", dependencies: ["VRRP", "Config", "Node", "ControlProtocol"]),
        // keepalived.conf dialect: lexer, parser, typed model, validation with diagnostics.
        .target(name: "Config", dependencies: ["VRRP"]),
        // The control socket's wire format (status JSON, socket address): what the CLI client
        // needs, without NIO, NIOSSL or libnl.
        .target(name: "ControlProtocol"),
        // The node as a pure model: every instance, checks, sync groups, reload, failed
        // effects. Events and time in, effects out; no sockets, clocks or name lookups.
        .target(name: "Node", dependencies: ["VRRP", "Config", "ControlProtocol"]),
        // libnl-3 / libnl-route-3: VIPs and link state through netlink.
        .systemLibrary(
            name: "CNetlink",
            pkgConfig: "libnl-route-3.0",
            providers: [.apt(["libnl-3-dev", "libnl-route-3-dev"])]
        ),
        // libcurl's multi interface, driven by the daemon's own reactor: HTTP(S) checks with
        // the system's OpenSSL and CA store, and SMTP alerts. Debian: libcurl4-openssl-dev to
        // build, libcurl4 to run.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // Socket control messages and signalfd, which are C macros.
        .target(name: "CLinux"),
        // The runtime: every effect (sockets, netlink, timers, signals, control socket) lives here.
        .target(
            name: "Agent",
            dependencies: [
                "VRRP", "Config", "Node", "ControlProtocol", "CNetlink", "CLinux", "CCurl",
                .product(name: "Logging", package: "swift-log"),
            ],
            // Release builds link with the toolchain's lld, which scripts/package.sh asks for
            // packed relative relocations (DT_RELR) and no exported symbols.
            linkerSettings: [.unsafeFlags(["-use-ld=lld"], .when(configuration: .release))]
        ),
        .executableTarget(
            name: "vipkeeper",
            dependencies: [
                "VRRP", "Config", "Agent", "ControlProtocol", "VRRPSimulation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "VRRPTests", dependencies: ["VRRP"]),
        .testTarget(name: "VRRPSimulationTests", dependencies: ["VRRP", "Config", "VRRPSimulation"]),
        .testTarget(name: "NodeTests", dependencies: ["Node", "Config", "VRRP", "ControlProtocol"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "VRRP"]),
        .testTarget(name: "vipkeeperTests", dependencies: ["vipkeeper"]),
        .testTarget(name: "AgentTests", dependencies: [
            "Agent", "Config", "ControlProtocol", "Node", "VRRP", .product(name: "Logging", package: "swift-log"),
        ]),
        // Real namespaces, veths, kernel, keepalived: needs root (and must run in CI).
        .testTarget(name: "IntegrationTests", dependencies: ["vipkeeper", "CLinux"]),
    ]
)

// libFuzzer harnesses (Fuzz/README.md): built only by `scripts/fuzz.sh`, which sets
// VIPKEEPER_FUZZ=1 and passes --sanitize=fuzzer --sanitize=address; libFuzzer supplies main.
// They link the pure modules only, so no dependency is instrumented.
if ProcessInfo.processInfo.environment["VIPKEEPER_FUZZ"] == "1" {
    let harnesses: [(String, [Target.Dependency])] = [
        ("FuzzAdvertisement", ["VRRP"]),
        ("FuzzConfiguration", ["Config"]),
        ("FuzzHTTPResponse", ["Config", "Node"]),
        ("FuzzControlRequest", ["ControlProtocol"]),
    ]
    for (name, dependencies) in harnesses {
        package.targets.append(.executableTarget(name: name, dependencies: dependencies, path: "Fuzz/Sources/\(name)"))
    }
}
