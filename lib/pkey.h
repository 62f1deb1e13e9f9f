/* pkey.h: public-key signatures (RSA PKCS#1 v1.5, ECDSA P-256) over libcrypto, keys from PEM files. */
#ifndef PPV_PKEY_H
#define PPV_PKEY_H

#include <stddef.h>
#include <stdint.h>

#include "mac.h"

typedef struct ppv_pkey ppv_pkey;

enum ppv_pkey_type { PPV_PKEY_RSA, PPV_PKEY_P256 };

/* A PEM private key (from a file only its owner can read) or public key;
 * NULL with the reason in err. */
ppv_pkey *ppv_pkey_load(const char *path, char *err, size_t cap);
enum ppv_pkey_type ppv_pkey_kind(const ppv_pkey *k);
int ppv_pkey_is_private(const ppv_pkey *k);
/* The signature of msg with digest h into sig (cap bytes): RSA's, or ECDSA's
 * as JOSE writes it (R||S, 64 bytes) rather than DER. Its length, or -1. */
long ppv_pkey_sign(ppv_pkey *k, enum ppv_hash h, const void *msg, size_t n, uint8_t *sig, size_t cap);
/* 1 when sig is msg's signature under k. */
int ppv_pkey_verify(ppv_pkey *k, enum ppv_hash h, const void *msg, size_t n, const uint8_t *sig, size_t sn);
/* The same with ECDSA's signature in DER, as CloudFront takes it (RSA's is
 * the same either way). */
long ppv_pkey_sign_der(ppv_pkey *k, enum ppv_hash h, const void *msg, size_t n, uint8_t *sig, size_t cap);
int ppv_pkey_verify_der(ppv_pkey *k, enum ppv_hash h, const void *msg, size_t n, const uint8_t *sig, size_t sn);
void ppv_pkey_free(ppv_pkey *k);
/* A new key as PEM, the private key then the public key, into out
 * (NUL-terminated, cap bytes); -1 on failure. */
int ppv_pkey_generate(enum ppv_pkey_type t, char *out, size_t cap);

#endif
