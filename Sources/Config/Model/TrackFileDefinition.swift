import VRRP

/// `track_file NAME { file PATH; weight N [reverse]; init_file [VALUE] [overwrite] }`
/// (`vrrp_track_file` is keepalived's deprecated synonym): a file whose number is a weight, or,
/// with weight 0, FAULT when it is not 0 — keepalived's maintainers' drain knob
/// (`echo 1 > /etc/keepalived/down`). keepalived.conf(5), "VRRP track files".
public struct TrackFileDefinition: Hashable, Sendable {
    /// `init_file [VALUE] [overwrite]`: written at start (not at a reload) when the file does
    /// not exist, or always with `overwrite`.
    public struct Initialization: Hashable, Sendable {
        public var value: Int
        public var overwrite: Bool

        public init(value: Int = 0, overwrite: Bool = false) {
            self.value = value
            self.overwrite = overwrite
        }
    }

    public var name: String
    public var location: SourceLocation
    public var path: String?
    /// keepalived's default is 1.
    public var weight = TrackerWeight(1)
    public var initialization: Initialization?

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }
}
