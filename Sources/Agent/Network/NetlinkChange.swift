/// What an idempotent netlink request did: changed the kernel, or found it as asked already
/// (an address or route present on add, absent on delete), which is no error.
enum NetlinkChange: Equatable {
    case changed
    case alreadyDone
}
