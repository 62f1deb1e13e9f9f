/* json.c: a strict, bounded JSON reader and string escaper for token headers and claims. */
#include <string.h>

#include "codec.h"
#include "json.h"

enum { MAXDEPTH = 16 };

typedef struct {
	const char *s, *end;
} cur;

static void
ws(cur *c)
{
	while (c->s < c->end && (*c->s == ' ' || *c->s == '\t' || *c->s == '\n' || *c->s == '\r'))
		c->s++;
}

static int
hex4(const char *p, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		int d = ppv_hex_digit(p[i]);
		if (d < 0)
			return -1;
		*v = *v << 4 | (unsigned)d;
	}
	return 0;
}

/* Leaves c->s after the closing quote; v spans the inside. */
static int
string(cur *c, ppv_jval *v)
{
	unsigned u;

	if (c->s >= c->end || *c->s != '"')
		return -1;
	v->type = 's';
	v->p = ++c->s;
	while (c->s < c->end && *c->s != '"') {
		unsigned char ch = (unsigned char)*c->s;
		if (ch < 0x20)
			return -1;
		if (ch == '\\') {
			if (++c->s >= c->end)
				return -1;
			if (*c->s == 'u') {
				if (c->end - c->s < 5 || hex4(c->s + 1, &u))
					return -1;
				c->s += 4;
			} else if (!strchr("\"\\/bfnrt", *c->s)) {
				return -1;
			}
		}
		c->s++;
	}
	if (c->s >= c->end)
		return -1;
	v->n = (size_t)(c->s - v->p);
	c->s++;
	return 0;
}

static int
number(cur *c, ppv_jval *v)
{
	const char *s = c->s;
	int d;

	v->type = 'n';
	v->p = s;
	if (s < c->end && *s == '-')
		s++;
	if (s < c->end && *s == '0')
		s++;
	else if (s < c->end && *s >= '1' && *s <= '9')
		while (s < c->end && *s >= '0' && *s <= '9')
			s++;
	else
		return -1;
	if (s < c->end && *s == '.') {
		for (d = 0, s++; s < c->end && *s >= '0' && *s <= '9'; s++)
			d++;
		if (!d)
			return -1;
	}
	if (s < c->end && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < c->end && (*s == '+' || *s == '-'))
			s++;
		for (d = 0; s < c->end && *s >= '0' && *s <= '9'; s++)
			d++;
		if (!d)
			return -1;
	}
	v->n = (size_t)(s - v->p);
	c->s = s;
	return 0;
}

static int value(cur *c, ppv_jval *v, int depth);

/* Walks an array or object; fn/efn get the members when given. */
static int
container(cur *c, ppv_jval *v, int depth, ppv_json_member_fn fn, ppv_json_elem_fn efn, void *ctx)
{
	char open = *c->s, close = open == '{' ? '}' : ']';
	ppv_jval k, e;
	char key[256];

	if (depth > MAXDEPTH)
		return -1;
	v->type = open == '{' ? 'o' : 'a';
	v->p = c->s++;
	ws(c);
	if (c->s < c->end && *c->s == close) {
		c->s++;
		v->n = (size_t)(c->s - v->p);
		return 0;
	}
	for (;;) {
		if (open == '{') {
			if (string(c, &k))
				return -1;
			ws(c);
			if (c->s >= c->end || *c->s++ != ':')
				return -1;
		}
		ws(c);
		if (value(c, &e, depth + 1))
			return -1;
		if (open == '{' && fn) {
			long kn = ppv_json_string(&k, key, sizeof key);
			if (kn < 0 || fn(ctx, key, (size_t)kn, &e))
				return -1;
		} else if (open == '[' && efn && efn(ctx, &e)) {
			return -1;
		}
		ws(c);
		if (c->s >= c->end)
			return -1;
		if (*c->s == ',') {
			c->s++;
			ws(c);
			continue;
		}
		if (*c->s++ != close)
			return -1;
		v->n = (size_t)(c->s - v->p);
		return 0;
	}
}

static int
literal(cur *c, ppv_jval *v, const char *word, char type)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->s) < n || memcmp(c->s, word, n))
		return -1;
	v->type = type;
	v->p = c->s;
	v->n = n;
	c->s += n;
	return 0;
}

static int
value(cur *c, ppv_jval *v, int depth)
{
	if (c->s >= c->end)
		return -1;
	switch (*c->s) {
	case '"': return string(c, v);
	case '{': case '[': return container(c, v, depth, NULL, NULL, NULL);
	case 't': return literal(c, v, "true", 't');
	case 'f': return literal(c, v, "false", 'f');
	case 'n': return literal(c, v, "null", 'z');
	default: return number(c, v);
	}
}

int
ppv_json_object(const char *s, size_t n, ppv_json_member_fn fn, void *ctx)
{
	cur c = { s, s + n };
	ppv_jval v;

	ws(&c);
	if (c.s >= c.end || *c.s != '{' || container(&c, &v, 0, fn, NULL, ctx))
		return -1;
	ws(&c);
	return c.s == c.end ? 0 : -1;
}

int
ppv_json_value(const char *s, size_t n)
{
	cur c = { s, s + n };
	ppv_jval v;

	ws(&c);
	if (value(&c, &v, 0))
		return -1;
	ws(&c);
	return c.s == c.end ? 0 : -1;
}

int
ppv_json_array(const ppv_jval *a, ppv_json_elem_fn fn, void *ctx)
{
	cur c = { a->p, a->p + a->n };
	ppv_jval v;

	if (a->type != 'a')
		return -1;
	return container(&c, &v, 0, NULL, fn, ctx);
}

static size_t
utf8(char *o, unsigned u)
{
	if (u < 0x80) {
		o[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		o[0] = (char)(0xC0 | u >> 6);
		o[1] = (char)(0x80 | (u & 0x3F));
		return 2;
	}
	if (u < 0x10000) {
		o[0] = (char)(0xE0 | u >> 12);
		o[1] = (char)(0x80 | (u >> 6 & 0x3F));
		o[2] = (char)(0x80 | (u & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | u >> 18);
	o[1] = (char)(0x80 | (u >> 12 & 0x3F));
	o[2] = (char)(0x80 | (u >> 6 & 0x3F));
	o[3] = (char)(0x80 | (u & 0x3F));
	return 4;
}

long
ppv_json_string(const ppv_jval *v, char *out, size_t cap)
{
	size_t o = 0;
	unsigned u, lo;

	if (v->type != 's')
		return -1;
	for (size_t i = 0; i < v->n; i++) {
		if (o + 5 > cap)
			return -1;
		char ch = v->p[i];
		if (ch != '\\') {
			out[o++] = ch;
			continue;
		}
		ch = v->p[++i];
		switch (ch) {
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u':
			hex4(v->p + i + 1, &u);
			i += 4;
			/* a surrogate pair makes one code point; a lone half is refused */
			if (u >= 0xD800 && u < 0xDC00) {
				if (i + 6 >= v->n || v->p[i + 1] != '\\' || v->p[i + 2] != 'u' ||
				    hex4(v->p + i + 3, &lo) || lo < 0xDC00 || lo > 0xDFFF)
					return -1;
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				i += 6;
			} else if (u >= 0xDC00 && u < 0xE000) {
				return -1;
			}
			if (u == 0)
				return -1;  /* a NUL would cut the claim short in C */
			o += utf8(out + o, u);
			break;
		default: out[o++] = ch; break;
		}
	}
	out[o] = '\0';
	return (long)o;
}

int
ppv_json_int(const ppv_jval *v, int64_t *out)
{
	int64_t r = 0;
	size_t i = 0;
	int neg = 0;

	if (v->type != 'n')
		return -1;
	if (v->p[0] == '-')
		neg = 1, i++;
	for (; i < v->n && v->p[i] >= '0' && v->p[i] <= '9'; i++) {
		if (r > (INT64_MAX - 9) / 10)
			return -1;
		r = r * 10 + (v->p[i] - '0');
	}
	if (i < v->n && v->p[i] == '.')
		for (i++; i < v->n && v->p[i] >= '0' && v->p[i] <= '9'; i++)
			;
	if (i != v->n)
		return -1;
	*out = neg ? -r : r;
	return 0;
}

size_t
ppv_json_escape(char *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20) {
			memcpy(out + o, "\\u00", 4);
			out[o + 4] = hex[c >> 4];
			out[o + 5] = hex[c & 15];
			o += 6;
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return o;
}
