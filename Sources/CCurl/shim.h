// libcurl (the system's libcurl4, OpenSSL flavour) as one Swift module, with typed wrappers
// for what Swift cannot call: curl_easy_setopt, curl_multi_setopt and curl_easy_getinfo are
// variadic, CURLMsg's result is in a union, and a few constants are macros of macros.
#ifndef VIPKEEPER_CCURL_SHIM_H
#define VIPKEEPER_CCURL_SHIM_H

#include <curl/curl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef int (*vk_curl_socket_function)(CURL *easy, curl_socket_t socket, int what, void *userp, void *socketp);
typedef int (*vk_curl_timer_function)(CURLM *multi, long timeout_ms, void *userp);

/// CURLMOPT_SOCKETFUNCTION / CURLMOPT_TIMERFUNCTION and their user data: how the multi handle
/// tells its owner which sockets to poll for what, and when to call it back.
static inline CURLMcode vk_curl_multi_set_callbacks(CURLM *multi, vk_curl_socket_function socket_function,
                                                   vk_curl_timer_function timer_function, void *userp) {
    CURLMcode code = curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, socket_function);
    if (code == CURLM_OK) code = curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, userp);
    if (code == CURLM_OK) code = curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, timer_function);
    if (code == CURLM_OK) code = curl_multi_setopt(multi, CURLMOPT_TIMERDATA, userp);
    return code;
}

static inline CURLcode vk_curl_easy_set_string(CURL *easy, CURLoption option, const char *value) {
    return curl_easy_setopt(easy, option, value);
}

static inline CURLcode vk_curl_easy_set_long(CURL *easy, CURLoption option, long value) {
    return curl_easy_setopt(easy, option, value);
}

static inline CURLcode vk_curl_easy_set_pointer(CURL *easy, CURLoption option, void *value) {
    return curl_easy_setopt(easy, option, value);
}

static inline CURLcode vk_curl_easy_set_list(CURL *easy, CURLoption option, struct curl_slist *list) {
    return curl_easy_setopt(easy, option, list);
}

/// What a transfer uploads (an SMTP message, a request body), read by `vk_curl_upload_read`.
struct vk_curl_upload {
    const char *data;
    size_t length;
    size_t offset;
};

static size_t vk_curl_upload_read(char *buffer, size_t size, size_t count, void *userp) {
    struct vk_curl_upload *upload = (struct vk_curl_upload *)userp;
    size_t room = size * count;
    size_t left = upload->length - upload->offset;
    size_t chunk = left < room ? left : room;
    memcpy(buffer, upload->data + upload->offset, chunk);
    upload->offset += chunk;
    return chunk;
}

/// CURLOPT_UPLOAD with CURLOPT_READFUNCTION reading `upload` (which must outlive the transfer).
static inline CURLcode vk_curl_easy_set_upload(CURL *easy, struct vk_curl_upload *upload) {
    CURLcode code = curl_easy_setopt(easy, CURLOPT_READFUNCTION, vk_curl_upload_read);
    if (code == CURLE_OK) code = curl_easy_setopt(easy, CURLOPT_READDATA, (void *)upload);
    if (code == CURLE_OK) code = curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    return code;
}

/// What a transfer downloads (an HTTP body), kept up to `limit` bytes by `vk_curl_sink_write`;
/// past the limit the transfer is ended (CURLE_WRITE_ERROR) with `truncated` set, so a huge
/// body costs no more than the limit.
struct vk_curl_sink {
    unsigned char *data;
    size_t length;
    size_t limit;
    int truncated;
};

static size_t vk_curl_sink_write(char *buffer, size_t size, size_t count, void *userp) {
    struct vk_curl_sink *sink = (struct vk_curl_sink *)userp;
    size_t bytes = size * count;
    size_t room = sink->limit - sink->length;
    size_t take = bytes < room ? bytes : room;
    if (take > 0) {
        unsigned char *grown = (unsigned char *)realloc(sink->data, sink->length + take);
        if (grown == NULL) return 0;
        sink->data = grown;
        memcpy(sink->data + sink->length, buffer, take);
        sink->length += take;
    }
    if (take < bytes) {
        sink->truncated = 1;
        return 0;  /* ends the transfer: the rest is not read */
    }
    return bytes;
}

/// CURLOPT_WRITEFUNCTION with CURLOPT_WRITEDATA filling `sink` (which must outlive the transfer).
static inline CURLcode vk_curl_easy_set_sink(CURL *easy, struct vk_curl_sink *sink) {
    CURLcode code = curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, vk_curl_sink_write);
    if (code == CURLE_OK) code = curl_easy_setopt(easy, CURLOPT_WRITEDATA, (void *)sink);
    return code;
}

static inline void vk_curl_sink_free(struct vk_curl_sink *sink) {
    free(sink->data);
    sink->data = NULL;
    sink->length = 0;
}

static inline CURLcode vk_curl_easy_get_response_code(CURL *easy, long *code) {
    return curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, code);
}

/// A finished transfer's result (CURLMsg keeps it in a union).
static inline CURLcode vk_curl_message_result(const CURLMsg *message) {
    return message->data.result;
}

static inline int vk_curl_message_is_done(const CURLMsg *message) {
    return message->msg == CURLMSG_DONE;
}

static const curl_socket_t vk_curl_socket_timeout = CURL_SOCKET_TIMEOUT;
static const long vk_curl_global_default = CURL_GLOBAL_DEFAULT;
static const int vk_curl_poll_in = CURL_POLL_IN;
static const int vk_curl_poll_out = CURL_POLL_OUT;
static const int vk_curl_poll_inout = CURL_POLL_INOUT;
static const int vk_curl_poll_remove = CURL_POLL_REMOVE;
static const size_t vk_curl_error_size = CURL_ERROR_SIZE;

#endif
