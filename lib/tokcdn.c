/* tokcdn.c: Google Cloud CDN's signed URLs, URL prefixes and cookie, and Fastly's token, byte for byte
 * as each CDN verifies them (HMAC-SHA1: the CDNs chose it; the key is what keeps it safe). */
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "ctcmp.h"
#include "tokenint.h"

/* base64url with its padding, as Cloud CDN writes and compares it */
static void
put_b64url_pad(sb *b, const void *in, size_t n)
{
	char tmp[4 * 1024 / 3 + 8];
	size_t m;

	if (n > 1024) {
		b->over = 1;
		return;
	}
	m = ppv_b64url_encode(tmp, in, n);
	while (m % 4)
		tmp[m++] = '=';
	put(b, tmp, m);
}

static const char *
key_name(const ppv_signer *s, size_t i)
{
	const ppv_key *k = &s->cfg.keys->v[i];

	return *k->kid ? k->kid : s->cfg.key_name;
}

/* The key a token names; -1 when none has that name. */
static long
key_named(const ppv_signer *s, const char *name, size_t n)
{
	for (size_t i = 0; i < s->cfg.keys->n; i++) {
		const char *kn = key_name(s, i);
		if (kn && strlen(kn) == n && !memcmp(kn, name, n))
			return (long)i;
	}
	return -1;
}

static int
is_url(const char *u)
{
	return !strncmp(u, "http://", 7) || !strncmp(u, "https://", 8);
}

long
ppv_tok_gcdn_mint(ppv_signer *s, const ppv_claims *c, sb *out)
{
	const char *name = key_name(s, 0), *prefix = s->cfg.url_prefix;
	uint8_t mac[PPV_MAC_MAX];
	char buf[MAXTOK];
	sb pol = { buf, 0, sizeof buf, 0 };
	char sep = s->cfg.cookies ? ':' : '&';

	if (!name || !c->path || !is_url(c->path))
		return -1;
	if (s->cfg.cookies && !prefix)
		prefix = c->path;
	/* a prefix the URL is not under grants nothing: refused, not minted */
	if (prefix && (!is_url(prefix) || strncmp(c->path, prefix, strlen(prefix))))
		return -1;
	if (prefix) {
		put(&pol, "URLPrefix=", 10);
		put_b64url_pad(&pol, prefix, strlen(prefix));
		put(&pol, &sep, 1);
	} else {
		/* the URL itself is signed, its own query and all */
		puts_(&pol, c->path);
		put(&pol, strchr(c->path, '?') ? "&" : "?", 1);
	}
	size_t from = pol.n;
	put(&pol, "Expires=", 8);
	putnum(&pol, c->expires);
	put(&pol, &sep, 1);
	put(&pol, "KeyName=", 8);
	puts_(&pol, name);
	if (pol.over)
		return -1;
	ppv_mac_sign(s->macs[0], pol.p, pol.n, mac);
	if (s->cfg.cookies)
		put(out, "Cloud-CDN-Cookie=", 17);
	put(out, pol.p + (prefix ? 0 : from), pol.n - (prefix ? 0 : from));
	put(out, s->cfg.cookies ? ":Signature=" : "&Signature=", 11);
	put_b64url_pad(out, mac, 20);
	return out->over ? -1 : (long)out->n;
}

/* The value of FIELD= in a run of fields separated by sep: 1 found once. */
static int
field(const char *s, size_t n, char sep, const char *name, const char **v, size_t *vn)
{
	size_t nn = strlen(name);
	int found = 0;

	for (size_t i = 0; i < n; ) {
		const char *e = memchr(s + i, sep, n - i);
		size_t end = e ? (size_t)(e - s) : n;
		if (end - i > nn && s[i + nn] == '=' && !memcmp(s + i, name, nn)) {
			if (found++)
				return -1;
			*v = s + i + nn + 1;
			*vn = end - i - nn - 1;
		}
		i = end + 1;
	}
	return found;
}

/* The URL a prefix must cover: given with the line, or --path. */
static enum ppv_verdict
under_prefix(const char *b64, size_t bn, const char *url, size_t un)
{
	uint8_t prefix[2048];
	char tmp[4096];
	size_t n = bn;
	long pn;

	/* the padding is signed, so kept; the decoder wants it off */
	while (n && b64[n - 1] == '=')
		n--;
	if (n >= sizeof tmp || (pn = ppv_b64url_decode(prefix, sizeof prefix, b64, n)) <= 0)
		return PPV_TOK_MALFORMED;
	if (!url)
		return PPV_TOK_OK;
	return un >= (size_t)pn && !memcmp(url, prefix, (size_t)pn) ? PPV_TOK_OK : PPV_TOK_ACL_MISMATCH;
}

enum ppv_verdict
ppv_tok_gcdn_check(ppv_signer *s, const ppv_checkopt *o, const char *line, size_t n)
{
	const char *cookie = memmem(line, n, "Cloud-CDN-Cookie=", 17), *pol, *sig, *v, *url = NULL, *q = NULL;
	size_t poln, sign, vn, un = 0;
	char sep = cookie ? ':' : '&';
	uint8_t mac[PPV_MAC_MAX];
	char want[64];
	sb w = { want, 0, sizeof want, 0 };
	int64_t exp;
	long k;
	enum ppv_verdict pv = PPV_TOK_OK;

	if (cookie) {
		/* Cloud-CDN-Cookie=URLPrefix=P:Expires=E:KeyName=K:Signature=S[; attributes] */
		pol = cookie + 17;
		const char *end = memchr(pol, ';', (size_t)(line + n - pol));
		poln = (size_t)((end ? end : line + n) - pol);
		if (o->path)
			url = o->path, un = strlen(o->path);
	} else {
		/* URL?...&Expires=E&KeyName=K&Signature=S, or URL?[...&]URLPrefix=P&Expires=E&KeyName=K&Signature=S */
		if (!(q = memchr(line, '?', n)))
			return PPV_TOK_MALFORMED;
		const char *up = memmem(q, (size_t)(line + n - q), "URLPrefix=", 10);
		if (up && up[-1] != '?' && up[-1] != '&')
			return PPV_TOK_MALFORMED;
		pol = up ? up : line;
		poln = (size_t)(line + n - pol);
		url = line, un = up ? (size_t)(up - 1 - line) : 0;
	}
	/* the signature is the last field, and signs everything before it; a
	 * URL's fields are after its '?' */
	const char *ls = NULL, *from = q && pol == line ? q + 1 : pol;
	for (const char *p = from; (p = memmem(p, (size_t)(pol + poln - p), "Signature=", 10)); p += 10)
		if (p > from && p[-1] == sep)
			ls = p;
	if (!ls)
		return PPV_TOK_MALFORMED;
	sig = ls + 10, sign = (size_t)(pol + poln - sig);
	poln = (size_t)(ls - 1 - pol);
	if (memchr(sig, sep, sign))
		return PPV_TOK_MALFORMED;
	/* the fields signed: for a plain URL, those after its '?' */
	const char *fs = from;
	size_t fn = (size_t)(pol + poln - from);
	if (field(fs, fn, sep, "Expires", &v, &vn) != 1 || ppv_tok_int(v, vn, &exp))
		return PPV_TOK_MALFORMED;
	if (field(fs, fn, sep, "KeyName", &v, &vn) != 1)
		return PPV_TOK_MALFORMED;
	if ((k = key_named(s, v, vn)) < 0)
		return PPV_TOK_UNKNOWN_KEY;
	if (cookie || pol != line) {
		const char *p;
		size_t pn;
		if (field(fs, fn, sep, "URLPrefix", &p, &pn) != 1 || pol != fs || memcmp(pol, "URLPrefix=", 10))
			return PPV_TOK_MALFORMED;
		if ((pv = under_prefix(p, pn, url, un)) == PPV_TOK_MALFORMED)
			return pv;
	}
	ppv_mac_sign(s->macs[k], pol, poln, mac);
	put_b64url_pad(&w, mac, 20);
	if (w.n != sign || !ppv_ct_equal(want, sig, sign))
		return PPV_TOK_BAD_SIGNATURE;
	if (o->now > exp + o->leeway)
		return PPV_TOK_EXPIRED;
	return pv;
}

/* --- Fastly ------------------------------------------------------------------- */

static void
fastly_sig(ppv_mac *m, const char *path, size_t pn, const char *exp, size_t en, char hex[41])
{
	char buf[MAXTOK];
	uint8_t mac[PPV_MAC_MAX];

	memcpy(buf, path, pn);
	memcpy(buf + pn, exp, en);
	ppv_mac_sign(m, buf, pn + en, mac);
	ppv_hex_encode(hex, mac, 20);
}

long
ppv_tok_fastly_mint(ppv_signer *s, const ppv_claims *c, sb *out)
{
	char exp[24], hex[41];
	/* Fastly signs req.url.path: the path as sent, without its query */
	size_t pn = c->path ? strcspn(c->path, "?#") : 0;
	int en;

	if (!c->path || *c->path != '/' || c->expires < 0)
		return -1;
	en = snprintf(exp, sizeof exp, "%lld", (long long)c->expires);
	if (pn + (size_t)en >= MAXTOK)
		return -1;
	fastly_sig(s->macs[0], c->path, pn, exp, (size_t)en, hex);
	put(out, "token=", 6);
	put(out, exp, (size_t)en);
	put(out, "_", 1);
	put(out, hex, 40);
	return out->over ? -1 : (long)out->n;
}

enum ppv_verdict
ppv_tok_fastly_check(ppv_signer *s, const ppv_checkopt *o, const ppv_tokparts *p)
{
	const char *t = p->token, *path = p->path, *us;
	size_t tn = p->tn, pn = p->pn;
	char hex[41];
	int64_t exp;
	int ok = 0;

	if (p->query && !p->token && ppv_tok_param(p->query, p->qn, "token", &t, &tn) != 1)
		return PPV_TOK_MALFORMED;
	if (!p->path && tn > 6 && !memcmp(t, "token=", 6))
		t += 6, tn -= 6;
	if (!path && o->path)
		path = o->path, pn = strcspn(o->path, "?#");
	/* EXPIRES_HEX: 10 or 11 digits, as Fastly's VCL matches them */
	if (!t || !path || !(us = memchr(t, '_', tn)) || us - t < 10 || us - t > 11 ||
	    (size_t)(t + tn - us - 1) != 40 || ppv_tok_int(t, (size_t)(us - t), &exp) ||
	    pn + (size_t)(us - t) >= MAXTOK)
		return PPV_TOK_MALFORMED;
	for (size_t i = 0; i < s->cfg.keys->n; i++) {
		fastly_sig(s->macs[i], path, pn, t, (size_t)(us - t), hex);
		ok |= ppv_ct_equal(hex, us + 1, 40);
	}
	if (!ok)
		return PPV_TOK_BAD_SIGNATURE;
	if (o->now > exp + o->leeway)
		return PPV_TOK_EXPIRED;
	return PPV_TOK_OK;
}
