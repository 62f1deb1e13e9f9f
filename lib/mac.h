/* mac.h: hashes and HMAC (MD5, SHA-1, SHA-256), the key pads computed once per key. */
#ifndef PPV_MAC_H
#define PPV_MAC_H

#include <stddef.h>
#include <stdint.h>

enum ppv_hash { PPV_MD5, PPV_SHA1, PPV_SHA256 };
#define PPV_MAC_MAX 32

typedef struct ppv_mac ppv_mac;

/* "md5", "sha1", "sha256"; -1 if unknown. */
int ppv_hash_byname(const char *name);
/* libcrypto's EVP_MD for h, fetched once (a const EVP_MD *, for pkey.c). */
const struct evp_md_st *ppv_evp_md(enum ppv_hash h);
size_t ppv_hash_size(enum ppv_hash h);
void ppv_hash(enum ppv_hash h, const void *msg, size_t n, uint8_t *out);

ppv_mac *ppv_mac_new(enum ppv_hash h, const uint8_t *key, size_t keylen);
size_t ppv_mac_size(const ppv_mac *m);
/* HMAC of msg into out (ppv_mac_size bytes). */
void ppv_mac_sign(ppv_mac *m, const void *msg, size_t n, uint8_t *out);
/* The same over the message given in parts, as if joined. */
void ppv_mac_signv(ppv_mac *m, const void *const *msg, const size_t *n, size_t parts, uint8_t *out);
/* 1 when mac (n bytes) is the HMAC of msg, compared in constant time. */
int ppv_mac_verify(ppv_mac *m, const void *msg, size_t n, const uint8_t *mac, size_t maclen);
void ppv_mac_free(ppv_mac *m);

#endif
