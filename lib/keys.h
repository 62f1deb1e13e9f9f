/* keys.h: secrets from a key file or the environment, refused when others could read them. */
#ifndef PPV_KEYS_H
#define PPV_KEYS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	char kid[64];        /* "" when the line has no key id */
	uint8_t *secret;
	size_t len;
} ppv_key;

typedef struct {
	ppv_key *v;
	size_t n, cap;
} ppv_keyring;

enum { PPV_KEY_RAW = 0, PPV_KEY_HEX = 1, PPV_KEY_NAMED = 2 /* or'd: every line is `NAME KEY` */,
       PPV_KEY_B64 = 4 /* base64 or base64url */ };

/* One key a line, `SECRET` or `KID SECRET`; blank lines and # comments skipped.
 * path NULL reads the variable env instead. Dies (exit 2) on a missing,
 * unreadable, group/other-accessible, not regular (a FIFO would block) or
 * malformed file, or with no key. */
void ppv_keys_load(ppv_keyring *ring, const char *path, const char *env, int encoding);
/* The same, returning -1 with the reason in err (ring left empty) instead. */
int ppv_keys_read(ppv_keyring *ring, const char *path, const char *env, int encoding, char *err, size_t cap);
/* A whole key file, NUL-terminated, into *out (free it, zeroed, after use).
 * With secret, a file its group or others can access is refused; otherwise
 * *owner_only (when not NULL) says whether it is owner-only. */
int ppv_keys_slurp(const char *path, int secret, char **out, size_t *outlen, int *owner_only, char *err,
                   size_t cap);
const ppv_key *ppv_keys_find(const ppv_keyring *ring, const char *kid, size_t n);
void ppv_keys_free(ppv_keyring *ring);

/* n random bytes from the kernel (getrandom); dies if it has none. */
void ppv_random(void *buf, size_t n);

#endif
