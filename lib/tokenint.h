/* tokenint.h: what token.c and tokcdn.c share: the signer, a bounded string builder, a line's parts. */
#ifndef PPV_TOKENINT_H
#define PPV_TOKENINT_H

#include <stdint.h>
#include <string.h>

#include "money.h"
#include "token.h"

enum { V_LIT, V_EXPIRES, V_URI, V_DIR, V_ADDR, V_SECRET, V_TICKET };
enum { MAXTOK = 16384, HDR_NONE = -1, HDR_UNKNOWN = -2, HDR_BAD = -3 };

struct seg {
	int var;
	const char *lit;
	size_t n;
};

struct ppv_signer {
	ppv_tokcfg cfg;
	const char *name;          /* query parameter that carries the token */
	const char *alg;           /* jwt: HS256, RS256 or ES256 */
	size_t namelen;
	size_t tplen;              /* token_path without trailing slashes */
	ppv_mac **macs;            /* one per key, pads precomputed */
	struct seg *expr;          /* nginx expression, parsed once */
	size_t nexpr;
	ppv_mac *tmac;             /* nginx, $ppv_ticket in the expression: derives tickets */
	char hdr[512];             /* jwt: base64url header of the signing key and '.' */
	size_t hdrlen;
	char seen[512];            /* jwt check: the last header segment seen ... */
	size_t seenlen;
	int seenkey;               /* ... and what it resolved to */
};

/* A bounded string builder: what does not fit sets over, never cuts. */
typedef struct {
	char *p;
	size_t n, cap;
	int over;
} sb;

static inline void
put(sb *b, const char *s, size_t n)
{
	if (b->over || b->n + n >= b->cap) {
		b->over = 1;
		return;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static inline void
puts_(sb *b, const char *s)
{
	put(b, s, strlen(s));
}

static inline void
putnum(sb *b, int64_t v)
{
	char tmp[24];

	put(b, tmp, (size_t)(ppv_int_put(v, tmp) - tmp));
}

/* A line to check: a URL's path and query, or a bare token. */
typedef struct {
	const char *path, *query, *token;
	size_t pn, qn, tn;
} ppv_tokparts;

/* A parameter of a query string; 0 absent, 1 found, -1 given twice. */
int ppv_tok_param(const char *q, size_t qn, const char *name, const char **v, size_t *vn);
void ppv_tok_split(const char *line, size_t n, ppv_tokparts *p);
/* Up to 18 decimal digits, all of s. */
int ppv_tok_int(const char *s, size_t n, int64_t *v);

/* tokcdn.c: Google Cloud CDN, Fastly, BunnyCDN and CloudFront */
long ppv_tok_gcdn_mint(ppv_signer *s, const ppv_claims *c, sb *out);
enum ppv_verdict ppv_tok_gcdn_check(ppv_signer *s, const ppv_checkopt *o, const char *line, size_t n);
long ppv_tok_fastly_mint(ppv_signer *s, const ppv_claims *c, sb *out);
enum ppv_verdict ppv_tok_fastly_check(ppv_signer *s, const ppv_checkopt *o, const ppv_tokparts *p);
long ppv_tok_bunny_mint(ppv_signer *s, const ppv_claims *c, sb *out);
enum ppv_verdict ppv_tok_bunny_check(ppv_signer *s, const ppv_checkopt *o, const char *line, size_t n);
long ppv_tok_cloudfront_mint(ppv_signer *s, const ppv_claims *c, sb *out);
enum ppv_verdict ppv_tok_cloudfront_check(ppv_signer *s, const ppv_checkopt *o, const char *line, size_t n);

#endif
