import VRRP

/// One line of keepalived's notify FIFO (`vrrp_notify.c` `notify_fifo`), byte for byte so
/// existing readers work unchanged: `INSTANCE "VI_1" MASTER 100`, `GROUP "G1" BACKUP 0`.
/// An instance's priority is its effective priority; a group's is always 0.
public struct NotifyFIFOLine: Hashable, Sendable, CustomStringConvertible {
    public enum Subject: Hashable, Sendable {
        case instance(String)
        case group(String)
    }

    public enum Event: String, Hashable, Sendable {
        case master = "MASTER"
        case backup = "BACKUP"
        case fault = "FAULT"
        case stop = "STOP"
        /// `notify_deleted`: the instance was removed by a reload.
        case deleted = "DELETED"
        /// A Master heard a lower-priority Master's advert (keepalived's
        /// `VRRP_EVENT_MASTER_RX_LOWER_PRI`): the line a floating-IP script uses to take its
        /// address back after a split brain.
        case masterReceivedLowerPriority = "MASTER_RX_LOWER_PRI"
        /// `notify_priority_changes`: the effective priority changed while Master...
        case masterPriority = "MASTER_PRIORITY"
        /// ...or in any other state.
        case backupPriority = "BACKUP_PRIORITY"
    }

    public var subject: Subject
    public var event: Event
    public var priority: UInt8

    public init(_ subject: Subject, _ event: Event, priority: UInt8) {
        self.subject = subject
        self.event = event
        self.priority = priority
    }

    /// The line as keepalived writes it, newline included.
    public var text: String {
        switch subject {
        case .instance(let name): return "INSTANCE \"\(name)\" \(event.rawValue) \(priority)\n"
        case .group(let name): return "GROUP \"\(name)\" \(event.rawValue) \(priority)\n"
        }
    }

    public var description: String { String(text.dropLast()) }

    /// What a notify reports, as a FIFO event (nil: nothing is written; keepalived has no
    /// INIT line).
    static func event(of notify: NotifyJob.Event) -> Event? {
        switch notify {
        case .stopped: return .stop
        case .deleted: return .deleted
        case .entered(let state):
            switch state {
            case .master: return .master
            case .backup: return .backup
            case .fault: return .fault
            case .initialize: return nil
            }
        }
    }
}
