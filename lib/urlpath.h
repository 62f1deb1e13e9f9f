/* urlpath.h: URL paths: percent-decoding with dot-segment removal, escaping, ACL wildcards. */
#ifndef PPV_URLPATH_H
#define PPV_URLPATH_H

#include <stddef.h>

/* Decodes %XX, merges repeated slashes and removes `.` and `..` segments
 * (RFC 3986 §5.2.4), as a server does before it maps a request to a file.
 * out holds n+1 bytes. Returns the length, or -1 for a bad escape, an
 * encoded NUL or a path that is not absolute. */
long ppv_path_normalize(char *out, const char *in, size_t n);
/* application/x-www-form-urlencoded as Python's quote_plus: keeps
 * A-Z a-z 0-9 _ . - ~, a space becomes +, the rest %xx (lower case when
 * lower). out holds 3n+1 bytes; returns the length. */
size_t ppv_url_escape(char *out, const char *in, size_t n, int lower);
/* EdgeAuth ACL match: `*` matches any run of characters (slashes too),
 * `?` exactly one; everything else literally. */
int ppv_glob_match(const char *pat, size_t pn, const char *s, size_t sn);

#endif
