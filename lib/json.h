/* json.h: just enough JSON for tokens: escape strings out, read one flat object in. */
#ifndef PPV_JSON_H
#define PPV_JSON_H

#include <stddef.h>
#include <stdint.h>

/* A value as it stands in the text: a string without its quotes (escapes
 * still in), a number, or the whole span of an array or object. */
typedef struct {
	char type;           /* 's' 'n' 'a' 'o' 't' 'f' 'z'(null) */
	const char *p;
	size_t n;
} ppv_jval;

typedef int (*ppv_json_member_fn)(void *ctx, const char *key, size_t kn, const ppv_jval *v);
typedef int (*ppv_json_elem_fn)(void *ctx, const ppv_jval *v);

/* Writes s as the inside of a JSON string; out holds 6n+1 bytes. */
size_t ppv_json_escape(char *out, const char *s, size_t n);
/* Validates the whole text as one object and calls fn for each member with
 * its unescaped key. -1 on malformed JSON or when fn returns non-zero. */
int ppv_json_object(const char *s, size_t n, ppv_json_member_fn fn, void *ctx);
/* 0 when the whole text is one JSON value (a claim's, given by a user). */
int ppv_json_value(const char *s, size_t n);
/* Calls fn for each element of an array value; -1 as above. */
int ppv_json_array(const ppv_jval *a, ppv_json_elem_fn fn, void *ctx);
/* Unescapes a string value into out (NUL-terminated); -1 if it does not fit. */
long ppv_json_string(const ppv_jval *v, char *out, size_t cap);
/* An integer NumericDate; a fraction is dropped, an exponent refused. */
int ppv_json_int(const ppv_jval *v, int64_t *out);

#endif
