import CCurl

/// One libcurl easy handle with what it needs while it runs: string lists, the upload, the
/// downloaded body and the error buffer, freed together when the transfer is. Protocol
/// specifics (`MailSender`'s SMTP, `HTTPRequest`'s HTTP) set its options; `CurlMulti` runs it
/// on the daemon's reactor.
final class CurlTransfer {
    /// Who started it: the multi handle hands finished transfers back by it.
    let id: UInt64
    let easy: UnsafeMutableRawPointer
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private var upload: UnsafeMutablePointer<vk_curl_upload>?
    private var uploadBytes: UnsafeMutableBufferPointer<CChar>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var sink: UnsafeMutablePointer<vk_curl_sink>?

    init(id: UInt64) throws(CurlError) {
        guard let easy = curl_easy_init() else { throw CurlError(message: "curl_easy_init failed") }
        self.id = id
        self.easy = easy
        errorBuffer = .allocate(capacity: Int(vk_curl_error_size))
        errorBuffer.initialize(repeating: 0, count: Int(vk_curl_error_size))
        try check(vk_curl_easy_set_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        // Never SIGALRM for a resolver timeout: the daemon's signals are its own (signalfd).
        try set(CURLOPT_NOSIGNAL, 1)
    }

    deinit {
        curl_easy_cleanup(easy)
        for list in lists { curl_slist_free_all(list) }
        upload?.deallocate()
        uploadBytes?.deallocate()
        errorBuffer.deallocate()
        if let sink {
            vk_curl_sink_free(sink)
            sink.deallocate()
        }
    }

    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        try check(vk_curl_easy_set_string(easy, option, value), "option \(option.rawValue)")
    }

    /// Sets a string option back to none (NULL): for CURLOPT_CAINFO, no bundle at all.
    func clear(_ option: CURLoption) throws(CurlError) {
        try check(vk_curl_easy_set_pointer(easy, option, nil), "option \(option.rawValue)")
    }

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(vk_curl_easy_set_long(easy, option, value), "option \(option.rawValue)")
    }

    /// A string list option (CURLOPT_MAIL_RCPT, CURLOPT_HTTPHEADER), kept until the transfer ends.
    func set(_ option: CURLoption, list: [String]) throws(CurlError) {
        var head: UnsafeMutablePointer<curl_slist>?
        for item in list {
            guard let next = curl_slist_append(head, item) else {
                if let head { curl_slist_free_all(head) }
                throw CurlError(message: "curl_slist_append failed")
            }
            head = next
        }
        guard let head else { return }
        lists.append(head)
        try check(vk_curl_easy_set_list(easy, option, head), "option \(option.rawValue)")
    }

    /// Uploads `bytes` (the transfer keeps its own copy).
    func upload(_ bytes: [UInt8]) throws(CurlError) {
        let copy = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(1, bytes.count))
        for (index, byte) in bytes.enumerated() { copy[index] = CChar(bitPattern: byte) }
        let reader = UnsafeMutablePointer<vk_curl_upload>.allocate(capacity: 1)
        reader.initialize(to: vk_curl_upload(data: UnsafePointer(copy.baseAddress), length: bytes.count, offset: 0))
        uploadBytes = copy
        upload = reader
        try check(vk_curl_easy_set_upload(easy, reader), "upload")
        try set(CURLOPT_INFILESIZE_LARGE, bytes.count)
    }

    /// Keeps the downloaded body, up to `limit` bytes: past it the transfer ends early
    /// (`bodyTruncated`), so a huge answer costs no more than the limit.
    func collectBody(limit: Int) throws(CurlError) {
        let sink = UnsafeMutablePointer<vk_curl_sink>.allocate(capacity: 1)
        sink.initialize(to: vk_curl_sink(data: nil, length: 0, limit: max(0, limit), truncated: 0))
        self.sink = sink
        try check(vk_curl_easy_set_sink(easy, sink), "body")
    }

    /// The body kept so far (`collectBody`).
    var body: [UInt8] {
        guard let sink, let data = sink.pointee.data else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: sink.pointee.length))
    }

    /// The body was longer than the limit: the transfer was ended after `limit` bytes.
    var bodyTruncated: Bool { sink?.pointee.truncated == 1 }

    /// The HTTP status of the last response (0 when none came).
    var responseCode: Int {
        var code = 0
        return vk_curl_easy_get_response_code(easy, &code) == CURLE_OK ? code : 0
    }

    /// Runs the transfer to its end on the calling thread (curl_easy_perform): for the
    /// command-line client only (`vipkeeper drill --probe`), never on the daemon's event loop,
    /// which runs transfers through `CurlMulti`. Returns nil when it succeeded, else why not.
    func perform() -> String? {
        let code = curl_easy_perform(easy)
        return code == CURLE_OK ? nil : failure(code)
    }

    /// Why a finished transfer failed: libcurl's detailed message, else its code's text.
    func failure(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }

    private func check(_ code: CURLcode, _ what: String) throws(CurlError) {
        guard code == CURLE_OK else { throw CurlError(message: "\(what): \(String(cString: curl_easy_strerror(code)))") }
    }
}
