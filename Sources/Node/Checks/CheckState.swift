import VRRP

/// One check the node runs: its definition, its rise/fall verdict and what it has done.
struct CheckState: Hashable, Sendable {
    let id: CheckID
    let bound: BoundCheck
    var counter: CheckResultCounter
    /// The run in flight, if any: never two runs of one check at once.
    var running: Int?
    /// The interval passed while a run was in flight: start the next one when it ends.
    var overdue = false
    var runs = 0
    var failures = 0
    var lastOutcome: CheckOutcome?
    var lastDuration: Duration?
    /// Every finished run's duration (`vipkeeper_check_duration_seconds`).
    var durations = DurationHistogram()

    init(id: CheckID, bound: BoundCheck, initiallyUp: Bool) {
        self.id = id
        self.bound = bound
        counter = CheckResultCounter(rise: bound.schedule.rise, fall: bound.schedule.fall, initiallyUp: initiallyUp)
    }

    var name: String { bound.name }
    var isUp: Bool { counter.isUp }
}
