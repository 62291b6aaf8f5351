import ArgumentParser
import Config
import VRRPSimulation
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `vipkeeper check --pair A.conf B.conf [C.conf]`: the files as one cluster in virtual time
/// (`PairWhatIf`), the table of who holds each VIP after every single failure and recovery,
/// and what cannot fail over.
struct PairCheck {
    var paths: [String]
    var json: Bool

    /// Throws the exit status: 1 errors (a file does not load, or the pair cannot fail over),
    /// 2 warnings only.
    func run() throws {
        guard (2...3).contains(paths.count) else {
            throw ValidationError("--pair takes two or three configuration files, one per node; got \(paths.count)")
        }
        var members: [PairMember] = []
        var loaderWarnings = 0
        for path in paths {
            let (member, result) = PairMember.load(path: path)
            for diagnostic in result.diagnostics {
                StandardError.write(diagnostic.description, priority: diagnostic.severity == .error ? .error : .warning)
            }
            loaderWarnings += result.warnings
            guard var member else {
                print("\(path): \(result.errors) error\(result.errors == 1 ? "" : "s"); the pair cannot be simulated")
                throw ExitCode(1)
            }
            if members.contains(where: { $0.name == member.name }) { member.name += "#\(members.count + 1)" }
            members.append(member)
        }
        let report = PairWhatIf(members: members).run()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
        let status = report.exitStatus == 0 && loaderWarnings > 0 ? 2 : report.exitStatus
        if status != 0 { throw ExitCode(status) }
    }
}
