// libnftables through dlopen: the drop rules of `no_accept` (keepalived.conf(5)) are the one
// user of nftables, so nodes that never ask for them never load it (or its dependencies).
#define _GNU_SOURCE
#include "CLinux.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct nft_ctx;

static struct {
    int tried;
    struct nft_ctx *context;
    int (*run)(struct nft_ctx *, const char *);
    const char *(*error_buffer)(struct nft_ctx *);
    char failure[256];
} nft;

static int vk_nft_load(void) {
    if (nft.tried) return nft.context != NULL;
    nft.tried = 1;
    void *library = dlopen("libnftables.so.1", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        snprintf(nft.failure, sizeof nft.failure,
                 "libnftables is not installed (%s): install Debian's libnftables1 (nftables)", dlerror());
        return 0;
    }
    struct nft_ctx *(*create)(uint32_t) = (struct nft_ctx *(*)(uint32_t))dlsym(library, "nft_ctx_new");
    int (*buffer_error)(struct nft_ctx *) = (int (*)(struct nft_ctx *))dlsym(library, "nft_ctx_buffer_error");
    int (*buffer_output)(struct nft_ctx *) = (int (*)(struct nft_ctx *))dlsym(library, "nft_ctx_buffer_output");
    nft.run = (int (*)(struct nft_ctx *, const char *))dlsym(library, "nft_run_cmd_from_buffer");
    nft.error_buffer = (const char *(*)(struct nft_ctx *))dlsym(library, "nft_ctx_get_error_buffer");
    if (!create || !buffer_error || !buffer_output || !nft.run || !nft.error_buffer) {
        snprintf(nft.failure, sizeof nft.failure, "libnftables.so.1 lacks the functions vipkeeper uses");
        return 0;
    }
    nft.context = create(0);
    if (nft.context == NULL) {
        snprintf(nft.failure, sizeof nft.failure, "libnftables could not create a context");
        return 0;
    }
    // Errors and any listing go to buffers, never to the daemon's stdout/stderr.
    buffer_error(nft.context);
    buffer_output(nft.context);
    return 1;
}

int vk_nft_available(void) { return vk_nft_load(); }

int vk_nft_run(const char *commands, const char **error) {
    if (!vk_nft_load()) {
        *error = nft.failure;
        return -1;
    }
    if (nft.run(nft.context, commands) != 0) {
        const char *text = nft.error_buffer(nft.context);
        *error = (text != NULL && text[0] != '\0') ? text : "nft refused the rules";
        return -1;
    }
    return 0;
}
