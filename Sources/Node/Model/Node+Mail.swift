import ControlProtocol
import VRRP

extension Node {
    /// keepalived's `vrrp_smtp_notifier` / `vrrp_sync_smtp_notifier`: the alert for an
    /// instance's or a sync group's notify event, when its `smtp_alert` is on, the event is
    /// one keepalived mails about, it is not a FAULT under `no_email_faults`, and it is not
    /// the event last mailed for it.
    mutating func mailAlert(_ event: NotifyJob.Event, of subject: NotifyFIFOLine.Subject, enabled: Bool) -> [NodeEffect] {
        guard enabled, let mail = configuration.mail, let kind = NotifyFIFOLine.event(of: event),
              let text = MailAlert.text(for: kind, of: subject) else { return [] }
        if kind == .fault && mail.noEmailFaults { return [] }
        guard mailCounters.lastMailed[subject] != kind else { return [] }
        mailCounters.lastMailed[subject] = kind
        mailCounters.queued += 1
        return [.sendMail(MailAlert(subjectOf: subject, server: mail.server, heloName: mail.heloName,
                                    connectTimeout: mail.connectTimeout, from: mail.from, recipients: mail.recipients,
                                    subject: MailAlert.subjectLine(text.subject, of: subject, routerID: mail.routerID),
                                    body: text.body))]
    }

    /// The server accepted an alert; the first success after failures is logged.
    mutating func mailSent(_ alert: MailAlert) -> [NodeEffect] {
        mailCounters.sent += 1
        mailCounters.dropping = false
        guard mailCounters.failing else { return [] }
        mailCounters.failing = false
        return [.log(LogLine(.notice, "smtp alert: \(alert.server) accepts mail again (\(mailCounters.failed) failed so far)"))]
    }

    /// An alert not sent: counted; a failure and a full queue are each logged once per
    /// outage (until a message goes through again).
    mutating func mailFailed(_ alert: MailAlert, _ error: EffectError) -> [NodeEffect] {
        mailCounters.lastError = error.message
        if error.code == EffectError.queueFull {
            mailCounters.dropped += 1
            guard !mailCounters.dropping else { return [] }
            mailCounters.dropping = true
            return [.log(LogLine(.error, "smtp alert `\(alert.subject)` dropped: \(error); further drops are counted in `vipkeeper status`, not logged, until one is sent"))]
        }
        mailCounters.failed += 1
        guard !mailCounters.failing else { return [] }
        mailCounters.failing = true
        return [.log(LogLine(.error, "smtp alert `\(alert.subject)` not sent through \(alert.server): \(error); further failures are counted in `vipkeeper status`, not logged, until one is sent"))]
    }

    /// The alerts as `status` shows them; nil when no alert can be sent.
    var mailReport: StatusReport.Mail? {
        guard let mail = configuration.mail else { return nil }
        return StatusReport.Mail(server: mail.server.description, recipients: mail.recipients.count, queued: mailCounters.queued,
                                 sent: mailCounters.sent, failed: mailCounters.failed, dropped: mailCounters.dropped,
                                 lastError: mailCounters.lastError)
    }
}

extension EffectError {
    /// Linux ENOBUFS: the runtime's queue of alerts was full, and this one was dropped.
    public static let queueFull: Int32 = 105
}
