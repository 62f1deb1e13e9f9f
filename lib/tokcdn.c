/* tokcdn.c: Google Cloud CDN's signed URLs, URL prefixes and cookie, Fastly's token, BunnyCDN's and
 * CloudFront's signed URLs and cookies, byte for byte as each CDN verifies them (the hashes are the CDNs'
 * choice; the key is what keeps them safe). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "ctcmp.h"
#include "json.h"
#include "tokenint.h"
#include "urlpath.h"

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

/* --- BunnyCDN ------------------------------------------------------------------ */

/* The parameters a Bunny token signs, sorted by name: the URL's own (decoded),
 * the token's options, or only token_ignore_params. */
enum { BPARAMS = 32 };

typedef struct {
	struct { const char *k, *v; size_t kn, vn; } p[BPARAMS];
	size_t n, used;
	char buf[8192];
} bparams;

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Go's url.QueryUnescape into the buffer: '+' a space, %XX a byte. */
static const char *
unescape(bparams *b, const char *s, size_t n, size_t *on)
{
	char *o = b->buf + b->used;
	size_t m = 0;

	if (n > sizeof b->buf - b->used)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int h, l;
			if (i + 2 >= n || (h = hexval(s[i + 1])) < 0 || (l = hexval(s[i + 2])) < 0)
				return NULL;
			o[m++] = (char)(h << 4 | l);
			i += 2;
		} else {
			o[m++] = s[i] == '+' ? ' ' : s[i];
		}
	}
	b->used += m;
	*on = m;
	return o;
}

/* Sets name to value (both as given): a later value replaces an earlier one. */
static int
bp_set(bparams *b, const char *k, size_t kn, const char *v, size_t vn)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->p[i].kn == kn && !memcmp(b->p[i].k, k, kn))
			break;
	if (i == BPARAMS)
		return -1;
	if (i == b->n)
		b->n++;
	b->p[i].k = k, b->p[i].kn = kn, b->p[i].v = v, b->p[i].vn = vn;
	return 0;
}

/* A query's pairs, decoded; a name given twice is refused, as the reference
 * does. The token's own (token, expires) are skipped when skip. */
static int
bp_query(bparams *b, const char *q, size_t qn, int skip, const char **tok, size_t *tokn,
         const char **exp, size_t *expn)
{
	for (size_t i = 0; i < qn; ) {
		const char *e = memchr(q + i, '&', qn - i), *eq;
		size_t end = e ? (size_t)(e - q) : qn, kn, vn;
		const char *k, *v;
		if (end > i) {
			eq = memchr(q + i, '=', end - i);
			size_t kl = eq ? (size_t)(eq - q) - i : end - i;
			if (skip && kl == 5 && !memcmp(q + i, "token", 5) && eq) {
				*tok = eq + 1, *tokn = end - (size_t)(eq + 1 - q);
			} else if (skip && kl == 7 && !memcmp(q + i, "expires", 7) && eq) {
				*exp = eq + 1, *expn = end - (size_t)(eq + 1 - q);
			} else {
				if (!(k = unescape(b, q + i, kl, &kn)) ||
				    !(v = eq ? unescape(b, eq + 1, end - (size_t)(eq + 1 - q), &vn) : "") )
					return -1;
				if (!eq)
					vn = 0;
				for (size_t j = 0; j < b->n; j++)
					if (b->p[j].kn == kn && !memcmp(b->p[j].k, k, kn))
						return -1;
				if (bp_set(b, k, kn, v, vn))
					return -1;
			}
		}
		i = end + 1;
	}
	return 0;
}

static void
bp_sort(bparams *b)
{
	/* a handful of names: insertion sort, byte order as Go's sort.Strings */
	for (size_t i = 1; i < b->n; i++)
		for (size_t j = i; j > 0; j--) {
			size_t m = b->p[j - 1].kn < b->p[j].kn ? b->p[j - 1].kn : b->p[j].kn;
			int c = memcmp(b->p[j - 1].k, b->p[j].k, m);
			if (c < 0 || (c == 0 && b->p[j - 1].kn <= b->p[j].kn))
				break;
			__typeof__(b->p[0]) t = b->p[j];
			b->p[j] = b->p[j - 1];
			b->p[j - 1] = t;
		}
}

/* name=value&..., the values raw (signed) or escaped as Go's QueryEscape
 * with %20 for a space (in the URL) */
static void
bp_put(const bparams *b, sb *out, int escaped)
{
	char tmp[3 * 1024 + 1];

	for (size_t i = 0; i < b->n; i++) {
		if (i)
			put(out, "&", 1);
		put(out, b->p[i].k, b->p[i].kn);
		put(out, "=", 1);
		if (!escaped) {
			put(out, b->p[i].v, b->p[i].vn);
			continue;
		}
		if (b->p[i].vn > 1024) {
			out->over = 1;
			return;
		}
		size_t m = ppv_url_escape(tmp, b->p[i].v, b->p[i].vn, 0);
		for (size_t j = 0; j < m; j++)
			put(out, tmp[j] == '+' ? "%20" : tmp + j, tmp[j] == '+' ? 3 : 1);
	}
}

/* The address as Bunny signs it: 4 bytes, or an IPv6 /64 and 8 zero bytes. */
static int
ip_bytes(const char *ip, uint8_t out[16])
{
	if (inet_pton(AF_INET, ip, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, ip, out) != 1)
		return -1;
	/* an IPv4-mapped address is the IPv4 address */
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (!memcmp(out, mapped, 12)) {
		memmove(out, out + 12, 4);
		return 4;
	}
	memset(out + 8, 0, 8);
	return 16;
}

/* HS256-[1-]SIG over path, expiry, address and the sorted parameters */
static int
bunny_sig(ppv_mac *m, const char *path, size_t pn, const char *exp, size_t en, const uint8_t *ip,
          int ipn, const bparams *b, char *out)
{
	char buf[MAXTOK];
	sb d = { buf, 0, sizeof buf, 0 };
	uint8_t mac[PPV_MAC_MAX];
	size_t n = 0;

	put(&d, path, pn);
	put(&d, exp, en);
	put(&d, (const char *)ip, ipn > 0 ? (size_t)ipn : 0);
	bp_put(b, &d, 0);
	if (d.over)
		return -1;
	ppv_mac_sign(m, d.p, d.n, mac);
	memcpy(out, ipn > 0 ? "HS256-1-" : "HS256-", n = ipn > 0 ? 8 : 6);
	n += ppv_b64url_encode(out + n, mac, 32);
	return (int)n;
}

/* scheme://host, the path and the query of a URL; -1 when it is not one */
static int
url_parts(const char *u, size_t n, size_t *hostend, size_t *pathend)
{
	const char *p = n > 8 ? memmem(u, n < 9 ? n : 9, "://", 3) : NULL;
	size_t i;

	if (!p)
		return -1;
	for (i = (size_t)(p + 3 - u); i < n && u[i] != '/' && u[i] != '?'; i++)
		;
	*hostend = i;
	while (i < n && u[i] != '?' && u[i] != '#')
		i++;
	*pathend = i;
	return 0;
}

long
ppv_tok_bunny_mint(ppv_signer *s, const ppv_claims *c, sb *out)
{
	static bparams b;
	const ppv_tokcfg *f = &s->cfg;
	size_t n = c->path ? strlen(c->path) : 0, he, pe, en;
	char exp[24], tok[64], lim[24];
	uint8_t ip[16];
	int ipn = 0, tn;

	if (!c->path || !is_url(c->path) || url_parts(c->path, n, &he, &pe) || (c->ip && (ipn = ip_bytes(c->ip, ip)) < 0))
		return -1;
	b.n = b.used = 0;
	const char *path = c->path + he, *t = NULL, *x = NULL;
	size_t pn = pe - he, tk = 0, xn = 0;
	if (pn == 0)
		path = "/", pn = 1;
	if (pe < n && c->path[pe] == '?' && bp_query(&b, c->path + pe + 1, n - pe - 1, 0, &t, &tk, &x, &xn))
		return -1;
	if (f->countries && bp_set(&b, "token_countries", 15, f->countries, strlen(f->countries)))
		return -1;
	if (f->countries_blocked &&
	    bp_set(&b, "token_countries_blocked", 23, f->countries_blocked, strlen(f->countries_blocked)))
		return -1;
	if (f->speed_limit > 0) {
		int ln = snprintf(lim, sizeof lim, "%lld", (long long)f->speed_limit);
		if (bp_set(&b, "limit", 5, lim, (size_t)ln))
			return -1;
	}
	if (f->ignore_params)
		b.n = 0, bp_set(&b, "token_ignore_params", 19, "true", 4);
	if (f->url_prefix && bp_set(&b, "token_path", 10, f->url_prefix, strlen(f->url_prefix)))
		return -1;
	bp_sort(&b);
	en = (size_t)snprintf(exp, sizeof exp, "%lld", (long long)c->expires);
	tn = bunny_sig(s->macs[0], f->url_prefix ? f->url_prefix : path, f->url_prefix ? strlen(f->url_prefix) : pn,
	               exp, en, ip, ipn, &b, tok);
	if (tn < 0)
		return -1;
	put(out, c->path, he);
	if (f->bunny_dir) {
		put(out, "/bcdn_token=", 12);
	} else {
		put(out, path, pn);
		put(out, "?token=", 7);
	}
	put(out, tok, (size_t)tn);
	if (b.n) {
		put(out, "&", 1);
		bp_put(&b, out, 1);
	}
	put(out, "&expires=", 9);
	put(out, exp, en);
	if (f->bunny_dir)
		put(out, path, pn);
	return out->over ? -1 : (long)out->n;
}

enum ppv_verdict
ppv_tok_bunny_check(ppv_signer *s, const ppv_checkopt *o, const char *line, size_t n)
{
	static bparams b;
	size_t he = 0, pe, tokn = 0, expn = 0, qn;
	const char *path, *q, *tok = NULL, *exp = NULL;
	char want[64];
	uint8_t ip[16];
	int ipn = 0, ok = 0;
	int64_t e;

	b.n = b.used = 0;
	if (n && line[0] == '/')
		for (pe = 0; pe < n && line[pe] != '?' && line[pe] != '#'; pe++)
			;
	else if (url_parts(line, n, &he, &pe))
		return PPV_TOK_MALFORMED;
	path = line + he;
	size_t pn = pe - he;
	if (pn > 12 && !memcmp(path, "/bcdn_token=", 12)) {
		/* /bcdn_token=TOKEN&...&expires=E/PATH */
		const char *sl = memchr(path + 1, '/', pn - 1);
		if (!sl)
			return PPV_TOK_MALFORMED;
		q = path + 1, qn = (size_t)(sl - q);
		pn -= (size_t)(sl - path);
		path = sl;
		/* the segment is bcdn_token=...: read it as token=... */
		q += 5, qn -= 5;
	} else {
		if (pe >= n || line[pe] != '?')
			return PPV_TOK_MALFORMED;
		q = line + pe + 1, qn = n - pe - 1;
	}
	if (bp_query(&b, q, qn, 1, &tok, &tokn, &exp, &expn) || !tok || !exp || ppv_tok_int(exp, expn, &e))
		return PPV_TOK_MALFORMED;
	/* token_ignore_params signs that alone (and token_path) */
	const char *sigpath = path;
	size_t sigpn = pn;
	for (size_t i = 0; i < b.n; i++)
		if (b.p[i].kn == 10 && !memcmp(b.p[i].k, "token_path", 10))
			sigpath = b.p[i].v, sigpn = b.p[i].vn;
	for (size_t i = 0; i < b.n; i++)
		if (b.p[i].kn == 19 && !memcmp(b.p[i].k, "token_ignore_params", 19) && b.p[i].vn == 4 &&
		    !memcmp(b.p[i].v, "true", 4)) {
			size_t w = 0;
			for (size_t j = 0; j < b.n; j++)
				if ((b.p[j].kn == 19 && !memcmp(b.p[j].k, "token_ignore_params", 19)) ||
				    (b.p[j].kn == 10 && !memcmp(b.p[j].k, "token_path", 10)))
					b.p[w++] = b.p[j];
			b.n = w;
			break;
		}
	bp_sort(&b);
	int bound = tokn > 8 && !memcmp(tok, "HS256-1-", 8);
	if (!bound && (tokn < 6 || memcmp(tok, "HS256-", 6)))
		return PPV_TOK_MALFORMED;
	if (bound && (!o->ip || (ipn = ip_bytes(o->ip, ip)) < 0))
		return PPV_TOK_ACL_MISMATCH;
	for (size_t i = 0; i < s->cfg.keys->n; i++) {
		int wn = bunny_sig(s->macs[i], sigpath, sigpn, exp, expn, ip, ipn, &b, want);
		ok |= wn > 0 && (size_t)wn == tokn && ppv_ct_equal(want, tok, tokn);
	}
	if (!ok)
		return PPV_TOK_BAD_SIGNATURE;
	if (o->now > e + o->leeway)
		return PPV_TOK_EXPIRED;
	/* a path prefix grants what is under it */
	if (sigpath != path && (pn < sigpn || memcmp(path, sigpath, sigpn)))
		return PPV_TOK_ACL_MISMATCH;
	return PPV_TOK_OK;
}

/* --- CloudFront ---------------------------------------------------------------- */

/* base64 with CloudFront's three substitutions: + to -, = to _, / to ~ */
static void
put_cf64(sb *b, const void *in, size_t n)
{
	static char tmp[4 * MAXTOK / 3 + 8];

	if (n > MAXTOK) {
		b->over = 1;
		return;
	}
	size_t m = ppv_b64_encode(tmp, in, n);
	for (size_t i = 0; i < m; i++)
		tmp[i] = tmp[i] == '+' ? '-' : tmp[i] == '=' ? '_' : tmp[i] == '/' ? '~' : tmp[i];
	put(b, tmp, m);
}

static long
cf64_decode(uint8_t *out, size_t cap, const char *in, size_t n)
{
	static char tmp[MAXTOK];

	if (n >= sizeof tmp)
		return -1;
	for (size_t i = 0; i < n; i++)
		tmp[i] = in[i] == '-' ? '+' : in[i] == '_' ? '=' : in[i] == '~' ? '/' : in[i];
	return ppv_b64_decode(out, cap, tmp, n);
}

/* The policy as AWS's signer writes it (JSON.stringify: no blanks, members
 * in this order); a canned one names the URL and the expiry only. */
static void
cf_policy(sb *p, const char *resource, size_t rn, int64_t exp, int64_t start, const char *cidr)
{
	char tmp[6 * 2048 + 1];

	puts_(p, "{\"Statement\":[{\"Resource\":\"");
	if (rn > 2048) {
		p->over = 1;
		return;
	}
	put(p, tmp, ppv_json_escape(tmp, resource, rn));
	puts_(p, "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":");
	putnum(p, exp);
	puts_(p, "}");
	if (start >= 0) {
		puts_(p, ",\"DateGreaterThan\":{\"AWS:EpochTime\":");
		putnum(p, start);
		puts_(p, "}");
	}
	if (cidr) {
		puts_(p, ",\"IpAddress\":{\"AWS:SourceIp\":\"");
		puts_(p, cidr);
		puts_(p, "\"}");
	}
	puts_(p, "}}]}");
}

long
ppv_tok_cloudfront_mint(ppv_signer *s, const ppv_claims *c, sb *out)
{
	static char buf[MAXTOK];
	sb pol = { buf, 0, sizeof buf, 0 };
	uint8_t sig[1024];
	char cidr[32];
	const char *kp = s->cfg.key_pair_id, *res = c->nacl ? c->acl[0] : c->path;
	int custom = c->start >= 0 || c->ip || c->nacl;
	long sn;

	if (!c->path || !is_url(c->path) || !kp || c->nacl > 1)
		return -1;
	if (c->ip) {
		/* IPv4 and a CIDR, as CloudFront takes them; an address alone is its /32 */
		unsigned a, b, d, e, m = 32;
		char extra;
		int k = sscanf(c->ip, "%3u.%3u.%3u.%3u/%2u%c", &a, &b, &d, &e, &m, &extra);
		if ((k != 4 && k != 5) || a > 255 || b > 255 || d > 255 || e > 255 || m > 32 ||
		    (k == 4 && strchr(c->ip, '/')))
			return -1;
		snprintf(cidr, sizeof cidr, "%u.%u.%u.%u/%u", a, b, d, e, m);
	}
	cf_policy(&pol, res, strlen(res), c->expires, c->start, c->ip ? cidr : NULL);
	if (pol.over || (sn = ppv_pkey_sign_der(s->cfg.pkey, s->cfg.cf_sha256 ? PPV_SHA256 : PPV_SHA1, pol.p, pol.n,
	                                    sig, sizeof sig)) < 0)
		return -1;
	if (s->cfg.cookies) {
		/* one cookie a line, in the order of AWS's getSignedCookies */
		puts_(out, "CloudFront-Key-Pair-Id=");
		puts_(out, kp);
		puts_(out, "\nCloudFront-Signature=");
		put_cf64(out, sig, (size_t)sn);
		if (custom) {
			puts_(out, "\nCloudFront-Policy=");
			put_cf64(out, pol.p, pol.n);
		} else {
			puts_(out, "\nCloudFront-Expires=");
			putnum(out, c->expires);
		}
		if (s->cfg.cf_sha256)
			puts_(out, "\nCloudFront-Hash-Algorithm=SHA256");
		return out->over ? -1 : (long)out->n;
	}
	if (custom) {
		puts_(out, "Policy=");
		put_cf64(out, pol.p, pol.n);
	} else {
		puts_(out, "Expires=");
		putnum(out, c->expires);
	}
	puts_(out, "&Key-Pair-Id=");
	puts_(out, kp);
	puts_(out, "&Signature=");
	put_cf64(out, sig, (size_t)sn);
	if (s->cfg.cf_sha256)
		puts_(out, "&Hash-Algorithm=SHA256");
	return out->over ? -1 : (long)out->n;
}

struct cf_cond {
	const char *res;
	size_t rn;
	int64_t exp, start;
	int has_exp, has_start, bad;
	char cidr[64];
};

static int
on_epoch(void *ctx, const char *k, size_t kn, const ppv_jval *v)
{
	int64_t *t = ctx;

	if (kn == 13 && !memcmp(k, "AWS:EpochTime", 13))
		return ppv_json_int(v, t);
	return 0;
}

static int
on_ip(void *ctx, const char *k, size_t kn, const ppv_jval *v)
{
	if (kn == 12 && !memcmp(k, "AWS:SourceIp", 12))
		return ppv_json_string(v, ctx, 64) < 0 ? -1 : 0;
	return 0;
}

static int
on_condition(void *ctx, const char *k, size_t kn, const ppv_jval *v)
{
	struct cf_cond *c = ctx;

	if (v->type != 'o')
		return -1;
	if (kn == 12 && !memcmp(k, "DateLessThan", 12))
		return c->has_exp = 1, ppv_json_object(v->p, v->n, on_epoch, &c->exp);
	if (kn == 15 && !memcmp(k, "DateGreaterThan", 15))
		return c->has_start = 1, ppv_json_object(v->p, v->n, on_epoch, &c->start);
	if (kn == 9 && !memcmp(k, "IpAddress", 9))
		return ppv_json_object(v->p, v->n, on_ip, c->cidr);
	/* a condition we do not know grants nothing */
	c->bad = 1;
	return 0;
}

static int
on_statement(void *ctx, const char *k, size_t kn, const ppv_jval *v)
{
	struct cf_cond *c = ctx;

	if (kn == 8 && !memcmp(k, "Resource", 8) && v->type == 's') {
		/* kept escaped: a resource with a JSON escape is refused below */
		c->res = v->p, c->rn = v->n;
		return 0;
	}
	if (kn == 9 && !memcmp(k, "Condition", 9) && v->type == 'o')
		return ppv_json_object(v->p, v->n, on_condition, c);
	return -1;
}

static int
on_stmt_elem(void *ctx, const ppv_jval *v)
{
	struct cf_cond *c = ctx;

	/* one statement, as CloudFront takes it */
	if (v->type != 'o' || c->res)
		return -1;
	return ppv_json_object(v->p, v->n, on_statement, c);
}

static int
on_policy(void *ctx, const char *k, size_t kn, const ppv_jval *v)
{
	if (kn == 9 && !memcmp(k, "Statement", 9) && v->type == 'a')
		return ppv_json_array(v, on_stmt_elem, ctx);
	return -1;
}

static int
in_cidr(const char *ip, const char *cidr)
{
	unsigned a[4], b[4], m = 32;
	int k = sscanf(cidr, "%3u.%3u.%3u.%3u/%2u", &b[0], &b[1], &b[2], &b[3], &m);

	if ((k != 4 && k != 5) || m > 32 || sscanf(ip, "%3u.%3u.%3u.%3u", &a[0], &a[1], &a[2], &a[3]) != 4)
		return 0;
	uint32_t x = a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3], y = b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
	uint32_t mask = m ? 0xffffffffu << (32 - m) : 0;
	return (x & mask) == (y & mask);
}

/* NAME=VALUE of CloudFront's: 1 when p (l bytes) is it; a second one sets dup */
static int
cf_param(const char *p, size_t l, const char *name, const char **v, size_t *vn, int *dup)
{
	size_t k = strlen(name);

	if (l <= k || p[k] != '=' || memcmp(p, name, k))
		return 0;
	*dup |= *v != NULL;
	*v = p + k + 1, *vn = l - k - 1;
	return 1;
}

enum ppv_verdict
ppv_tok_cloudfront_check(ppv_signer *s, const ppv_checkopt *o, const char *line, size_t n)
{
	static char base[MAXTOK], polbuf[MAXTOK];
	static uint8_t dec[MAXTOK];
	sb b = { base, 0, sizeof base, 0 }, pol = { polbuf, 0, sizeof polbuf, 0 };
	const char *q = memchr(line, '?', n), *exps = NULL, *pols = NULL, *kp = NULL, *sig = NULL, *ha = NULL;
	size_t expn = 0, poln = 0, kpn = 0, sign = 0, han = 0;
	uint8_t raw[1024];
	int64_t exp = 0;
	long rn;
	int dup = 0;

	if (!q || !is_url(line))
		return PPV_TOK_MALFORMED;
	/* the URL signed is this one without CloudFront's parameters */
	put(&b, line, (size_t)(q - line));
	char sep = '?';
	for (const char *p = q + 1, *e = line + n; p < e; ) {
		const char *amp = memchr(p, '&', (size_t)(e - p)), *end = amp ? amp : e;
		size_t l = (size_t)(end - p);
		if (cf_param(p, l, "Expires", &exps, &expn, &dup) || cf_param(p, l, "Policy", &pols, &poln, &dup) ||
		    cf_param(p, l, "Key-Pair-Id", &kp, &kpn, &dup) || cf_param(p, l, "Signature", &sig, &sign, &dup) ||
		    cf_param(p, l, "Hash-Algorithm", &ha, &han, &dup)) {
			/* CloudFront's own, not the URL's */
		} else if (l) {
			put(&b, &sep, 1);
			put(&b, p, l);
			sep = '&';
		}
		p = end + 1;
	}
	if (b.over || dup || !sig || !kp || (!exps == !pols))
		return PPV_TOK_MALFORMED;
	if (ha && !(han == 6 && !memcmp(ha, "SHA256", 6)))
		return PPV_TOK_MALFORMED;
	if (s->cfg.key_pair_id && (strlen(s->cfg.key_pair_id) != kpn || memcmp(s->cfg.key_pair_id, kp, kpn)))
		return PPV_TOK_UNKNOWN_KEY;
	struct cf_cond c = { .start = -1 };
	if (exps) {
		if (ppv_tok_int(exps, expn, &exp))
			return PPV_TOK_MALFORMED;
		cf_policy(&pol, b.p, b.n, exp, -1, NULL);
		if (pol.over)
			return PPV_TOK_MALFORMED;
	} else {
		long dn = cf64_decode(dec, sizeof dec - 1, pols, poln);
		if (dn <= 0)
			return PPV_TOK_MALFORMED;
		pol.p = (char *)dec, pol.n = (size_t)dn;
	}
	if ((rn = cf64_decode(raw, sizeof raw, sig, sign)) <= 0)
		return PPV_TOK_MALFORMED;
	if (!ppv_pkey_verify_der(s->cfg.pkey, ha ? PPV_SHA256 : PPV_SHA1, pol.p, pol.n, raw, (size_t)rn))
		return PPV_TOK_BAD_SIGNATURE;
	if (exps) {
		if (o->now >= exp + o->leeway)
			return PPV_TOK_EXPIRED;
		return PPV_TOK_OK;
	}
	if (ppv_json_object(pol.p, pol.n, on_policy, &c) || !c.res || !c.has_exp || c.bad ||
	    memchr(c.res, '\\', c.rn))
		return PPV_TOK_MALFORMED;
	if (o->now >= c.exp + o->leeway)
		return PPV_TOK_EXPIRED;
	if (c.has_start && o->now < c.start - o->leeway)
		return PPV_TOK_NOT_YET_VALID;
	if (!ppv_glob_match(c.res, c.rn, b.p, b.n))
		return PPV_TOK_ACL_MISMATCH;
	if (*c.cidr && (!o->ip || !in_cidr(o->ip, c.cidr)))
		return PPV_TOK_ACL_MISMATCH;
	return PPV_TOK_OK;
}
