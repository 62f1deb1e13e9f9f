/* amf.c: AMF0 values as RTMP publishers send them, read without trusting a length. */
#include <string.h>

#include "amf.h"
#include "bytes.h"

static int
left(const ppv_amf *a, size_t n)
{
	return (size_t)(a->end - a->p) >= n;
}

/* A string body without its type byte: object keys are written this way. */
static int
raw_string(ppv_amf *a, const char **s, size_t *n)
{
	if (!left(a, 2) || !left(a, 2 + (size_t)ppv_get_be(a->p, 2)))
		return -1;
	*n = ppv_get_be(a->p, 2);
	*s = (const char *)a->p + 2;
	a->p += 2 + *n;
	return 0;
}

int
ppv_amf_string(ppv_amf *a, const char **s, size_t *n)
{
	ppv_amf b = *a;

	if (!left(&b, 1) || *b.p != PPV_AMF_STRING)
		return -1;
	b.p++;
	if (raw_string(&b, s, n))
		return -1;
	*a = b;
	return 0;
}

int
ppv_amf_number(ppv_amf *a, double *v)
{
	uint64_t u = 0;

	if (!left(a, 9) || *a->p != PPV_AMF_NUMBER)
		return -1;
	for (int i = 1; i <= 8; i++)
		u = u << 8 | a->p[i];
	memcpy(v, &u, sizeof *v);
	a->p += 9;
	return 0;
}

static int
skip(ppv_amf *a, int depth)
{
	const char *s;
	size_t n;
	uint32_t count;

	if (depth > 16 || !left(a, 1))
		return -1;
	switch (*a->p++) {
	case PPV_AMF_NUMBER: if (!left(a, 8)) return -1; a->p += 8; return 0;
	case PPV_AMF_BOOL: if (!left(a, 1)) return -1; a->p += 1; return 0;
	case PPV_AMF_STRING: return raw_string(a, &s, &n);
	case PPV_AMF_NULL: case PPV_AMF_UNDEFINED: return 0;
	case PPV_AMF_DATE: if (!left(a, 10)) return -1; a->p += 10; return 0;
	case PPV_AMF_LONGSTRING:
		if (!left(a, 4) || !left(a, 4 + (size_t)ppv_get_be(a->p, 4)))
			return -1;
		a->p += 4 + ppv_get_be(a->p, 4);
		return 0;
	case PPV_AMF_ECMA:
		if (!left(a, 4))
			return -1;
		a->p += 4;  /* the count is advisory: the end marker ends it */
		/* fall through */
	case PPV_AMF_OBJECT:
		for (;;) {
			if (left(a, 3) && a->p[0] == 0 && a->p[1] == 0 && a->p[2] == PPV_AMF_OBJEND) {
				a->p += 3;
				return 0;
			}
			if (raw_string(a, &s, &n) || skip(a, depth + 1))
				return -1;
		}
	case PPV_AMF_STRICT:
		if (!left(a, 4))
			return -1;
		count = ppv_get_be(a->p, 4);
		a->p += 4;
		/* each element is at least one byte: a huge count runs out of data */
		for (uint32_t i = 0; i < count; i++)
			if (skip(a, depth + 1))
				return -1;
		return 0;
	default:
		return -1;
	}
}

int
ppv_amf_skip(ppv_amf *a)
{
	ppv_amf b = *a;

	if (skip(&b, 0))
		return -1;
	*a = b;
	return 0;
}

int
ppv_amf_prop(ppv_amf *a, const char *key, const char **s, size_t *n)
{
	ppv_amf b = *a;
	const char *k;
	size_t kn, want = strlen(key);
	int found = 1;

	if (!left(&b, 1))
		return -1;
	if (*b.p == PPV_AMF_ECMA) {
		if (!left(&b, 5))
			return -1;
		b.p += 5;
	} else if (*b.p == PPV_AMF_OBJECT) {
		b.p++;
	} else {
		return -1;
	}
	for (;;) {
		if (left(&b, 3) && b.p[0] == 0 && b.p[1] == 0 && b.p[2] == PPV_AMF_OBJEND) {
			b.p += 3;
			break;
		}
		if (raw_string(&b, &k, &kn))
			return -1;
		if (found && kn == want && !memcmp(k, key, kn) && left(&b, 1) && *b.p == PPV_AMF_STRING) {
			if (ppv_amf_string(&b, s, n))
				return -1;
			found = 0;
		} else if (skip(&b, 1)) {
			return -1;
		}
	}
	*a = b;
	return found;
}

static void
put(ppv_amfw *w, const void *p, size_t n)
{
	if (w->over || w->n + n > w->cap) {
		w->over = 1;
		return;
	}
	memcpy(w->p + w->n, p, n);
	w->n += n;
}

static void
put_u8(ppv_amfw *w, uint8_t v)
{
	put(w, &v, 1);
}

static void
put_raw_string(ppv_amfw *w, const char *s)
{
	size_t n = strlen(s);
	uint8_t len[2] = { (uint8_t)(n >> 8), (uint8_t)n };

	if (n > 0xFFFF) {
		w->over = 1;
		return;
	}
	put(w, len, 2);
	put(w, s, n);
}

void
ppv_amfw_number(ppv_amfw *w, double v)
{
	uint64_t u;
	uint8_t b[9] = { PPV_AMF_NUMBER };

	memcpy(&u, &v, sizeof u);
	for (int i = 8; i >= 1; i--, u >>= 8)
		b[i] = (uint8_t)u;
	put(w, b, sizeof b);
}

void
ppv_amfw_bool(ppv_amfw *w, int v)
{
	put_u8(w, PPV_AMF_BOOL);
	put_u8(w, v ? 1 : 0);
}

void
ppv_amfw_string(ppv_amfw *w, const char *s)
{
	put_u8(w, PPV_AMF_STRING);
	put_raw_string(w, s);
}

void
ppv_amfw_null(ppv_amfw *w)
{
	put_u8(w, PPV_AMF_NULL);
}

void
ppv_amfw_object(ppv_amfw *w)
{
	put_u8(w, PPV_AMF_OBJECT);
}

void
ppv_amfw_key(ppv_amfw *w, const char *k)
{
	put_raw_string(w, k);
}

void
ppv_amfw_end(ppv_amfw *w)
{
	put(w, "\0\0\x09", 3);
}
