/// What `vipkeeper --version` prints. scripts/package.sh writes the commit in for a release
/// build and puts this file back afterwards.
enum BuildInfo {
    static let version = "0.2.0"
    static let commit = "development build"

    static var description: String { "\(version) (\(commit))" }
}
