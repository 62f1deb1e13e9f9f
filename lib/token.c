/* token.c: the three token formats, each computed exactly as its reference verifier does:
 * nginx secure_link_md5, Akamai EdgeAuth (the reference libraries' byte layout), JWS HS256. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "ctcmp.h"
#include "json.h"
#include "token.h"
#include "tokenint.h"
#include "urlpath.h"

/* Akamai's escape_early: the reference quotes with quote_plus, then lower-cases %XX. */
static void
put_escaped(sb *b, const char *s, size_t n, int escape)
{
	char tmp[3 * 1024 + 1];

	if (!escape) {
		put(b, s, n);
	} else if (n > 1024) {
		b->over = 1;
	} else {
		put(b, tmp, ppv_url_escape(tmp, s, n, 1));
	}
}

static void
put_json_str(sb *b, const char *key, const char *s, int *first)
{
	char tmp[6 * 1024 + 1];
	size_t n = strlen(s);

	if (n > 1024) {
		b->over = 1;
		return;
	}
	put(b, *first ? "{\"" : ",\"", 2);
	puts_(b, key);
	put(b, "\":\"", 3);
	put(b, tmp, ppv_json_escape(tmp, s, n));
	put(b, "\"", 1);
	*first = 0;
}

static void
put_json_num(sb *b, const char *key, int64_t v, int *first)
{
	put(b, *first ? "{\"" : ",\"", 2);
	puts_(b, key);
	put(b, "\":", 2);
	putnum(b, v);
	*first = 0;
}

/* --- setup ---------------------------------------------------------------------- */

int
ppv_fmt_byname(const char *name)
{
	if (!strcmp(name, "gcdn"))
		return PPV_FMT_GCDN;
	if (!strcmp(name, "fastly"))
		return PPV_FMT_FASTLY;
	if (!strcmp(name, "bunny"))
		return PPV_FMT_BUNNY;
	if (!strcmp(name, "cloudfront"))
		return PPV_FMT_CLOUDFRONT;
	if (!strcmp(name, "nginx"))
		return PPV_FMT_NGINX;
	if (!strcmp(name, "akamai"))
		return PPV_FMT_AKAMAI;
	if (!strcmp(name, "jwt"))
		return PPV_FMT_JWT;
	return -1;
}

const char *
ppv_verdict_name(enum ppv_verdict v)
{
	static const char *names[] = {
		"OK", "expired", "not-yet-valid", "bad-signature", "acl-mismatch",
		"unknown-key", "revoked", "malformed",
	};
	return names[v];
}

static int
parse_expr(ppv_signer *s, const char *e, char *err, size_t errlen)
{
	static const struct { const char *name; int var; } vars[] = {
		{ "secure_link_expires", V_EXPIRES }, { "uri", V_URI },
		{ "remote_addr", V_ADDR }, { "secret", V_SECRET },
		/* not nginx's: a site captures it, so one ticket grants a directory */
		{ "ppv_dir", V_DIR },
		/* the buyer's ticket id, which the site captures from the path */
		{ "ppv_ticket", V_TICKET },
	};
	size_t cap = strlen(e) + 1;

	if (!(s->expr = calloc(cap, sizeof *s->expr)))
		return -1;
	while (*e) {
		struct seg *g = &s->expr[s->nexpr++];
		if (*e != '$') {
			g->var = V_LIT;
			g->lit = e;
			g->n = strcspn(e, "$");
			e += g->n;
			continue;
		}
		/* $name or ${name}, as nginx spells variables */
		int brace = e[1] == '{';
		const char *name = e + 1 + brace;
		size_t n = brace ? strcspn(name, "}") : strspn(name,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		size_t i;
		for (i = 0; i < sizeof vars / sizeof *vars; i++)
			if (strlen(vars[i].name) == n && !memcmp(vars[i].name, name, n))
				break;
		if (i == sizeof vars / sizeof *vars || (brace && name[n] != '}')) {
			snprintf(err, errlen, "--nginx-expr: unknown variable $%.*s (known: "
			         "$secure_link_expires $uri $ppv_dir $ppv_ticket $remote_addr $secret)", (int)n, name);
			return -1;
		}
		g->var = vars[i].var;
		e = name + n + brace;
	}
	for (size_t i = 0; i < s->nexpr; i++)
		if (s->expr[i].var == V_TICKET && !s->tmac && !(s->tmac = ppv_mac_new(PPV_SHA256,
		    s->cfg.keys->v[0].secret, s->cfg.keys->v[0].len)))
			return -1;
	for (size_t i = 0; i < s->nexpr; i++)
		if (s->expr[i].var == V_SECRET)
			return 0;
	snprintf(err, errlen, "--nginx-expr: the expression has no $secret: anyone could sign");
	return -1;
}

static void
jwt_header(ppv_signer *s)
{
	char json[256];
	const char *kid = s->cfg.pkey ? (s->cfg.kid ? s->cfg.kid : "") : s->cfg.keys->v[0].kid;
	int n;

	if (*kid)
		n = snprintf(json, sizeof json, "{\"alg\":\"%s\",\"typ\":\"JWT\",\"kid\":\"%s\"}", s->alg, kid);
	else
		n = snprintf(json, sizeof json, "{\"alg\":\"%s\",\"typ\":\"JWT\"}", s->alg);
	s->hdrlen = ppv_b64url_encode(s->hdr, (const uint8_t *)json, (size_t)n);
	s->hdr[s->hdrlen++] = '.';
	s->hdr[s->hdrlen] = '\0';
}

ppv_signer *
ppv_signer_new(const ppv_tokcfg *cfg, char *err, size_t errlen)
{
	ppv_signer *s = calloc(1, sizeof *s);
	enum ppv_hash h = cfg->fmt == PPV_FMT_JWT || cfg->fmt == PPV_FMT_BUNNY ? PPV_SHA256
	                  : cfg->fmt == PPV_FMT_GCDN || cfg->fmt == PPV_FMT_FASTLY ? PPV_SHA1 : cfg->algo;

	if (!s)
		return NULL;
	s->cfg = *cfg;
	s->name = cfg->token_name ? cfg->token_name : cfg->fmt == PPV_FMT_JWT ? "token" : "__token__";
	s->alg = cfg->alg ? cfg->alg : "HS256";
	if (cfg->fmt == PPV_FMT_CLOUDFRONT) {
		if (!cfg->pkey) {
			snprintf(err, errlen, "cloudfront: -k: an RSA or EC P-256 key in PEM");
			ppv_signer_free(s);
			return NULL;
		}
		return s;
	}
	if (cfg->fmt == PPV_FMT_JWT && (strcmp(s->alg, "HS256") || cfg->pkey)) {
		/* the key is what the algorithm says: an HMAC secret never passes for a public key */
		int rs = !strcmp(s->alg, "RS256"), es = !strcmp(s->alg, "ES256");
		if ((!rs && !es) || !cfg->pkey || ppv_pkey_kind(cfg->pkey) != (rs ? PPV_PKEY_RSA : PPV_PKEY_P256) ||
		    (cfg->kid && strlen(cfg->kid) > 128) || (cfg->kid && strpbrk(cfg->kid, "\"\\"))) {
			snprintf(err, errlen, "--alg: %s", !rs && !es ? "HS256, RS256 or ES256"
			         : cfg->kid && (strlen(cfg->kid) > 128 || strpbrk(cfg->kid, "\"\\")) ? "--kid: a plain name"
			         : rs ? "RS256 needs an RSA key (PEM)" : "ES256 needs an EC P-256 key (PEM)");
			ppv_signer_free(s);
			return NULL;
		}
		jwt_header(s);
		s->seenkey = HDR_BAD;
		return s;
	}
	s->namelen = strlen(s->name);
	if (cfg->token_path && (cfg->fmt != PPV_FMT_NGINX || cfg->token_path[0] != '/' ||
	                        strcspn(cfg->token_path, "?#") != strlen(cfg->token_path))) {
		snprintf(err, errlen, "--token-path: %s", cfg->fmt != PPV_FMT_NGINX ? "nginx only"
		         : "a path prefix such as /t");
		ppv_signer_free(s);
		return NULL;
	}
	if (cfg->token_path) {
		/* one slash between the prefix and the token, however it was written */
		s->tplen = strlen(cfg->token_path);
		while (s->tplen && cfg->token_path[s->tplen - 1] == '/')
			s->tplen--;
	}
	if (cfg->fmt == PPV_FMT_NGINX) {
		if (parse_expr(s, cfg->nginx_expr ? cfg->nginx_expr
		               : "$secure_link_expires$uri$remote_addr $secret", err, errlen)) {
			ppv_signer_free(s);
			return NULL;
		}
		return s;
	}
	/* a Bunny key is the pull zone's, as its dashboard shows it, whatever its length */
	for (size_t i = 0; cfg->fmt != PPV_FMT_BUNNY && i < cfg->keys->n; i++)
		if (cfg->keys->v[i].len < 16) {
			snprintf(err, errlen, "key %zu is %zu bytes: HMAC keys need at least 16 "
			         "(ppv-mint --genkey makes one)", i + 1, cfg->keys->v[i].len);
			ppv_signer_free(s);
			return NULL;
		}
	for (size_t i = 0; cfg->fmt == PPV_FMT_GCDN && i < cfg->keys->n; i++)
		if (cfg->keys->v[i].len != 16 || (!*cfg->keys->v[i].kid && !cfg->key_name)) {
			/* Cloud CDN takes 128-bit keys, each under a name */
			snprintf(err, errlen, "key %zu: %s", i + 1, cfg->keys->v[i].len != 16
			         ? "Cloud CDN keys are 16 bytes (ppv-mint --genkey -f gcdn makes one)"
			         : "Cloud CDN needs the key's name: `NAME KEY` in the key file, or --key-name");
			ppv_signer_free(s);
			return NULL;
		}
	s->macs = calloc(cfg->keys->n, sizeof *s->macs);
	for (size_t i = 0; s->macs && i < cfg->keys->n; i++)
		s->macs[i] = ppv_mac_new(h, cfg->keys->v[i].secret, cfg->keys->v[i].len);
	if (cfg->fmt == PPV_FMT_JWT)
		jwt_header(s);
	s->seenkey = HDR_BAD;
	return s;
}

void
ppv_signer_free(ppv_signer *s)
{
	if (!s)
		return;
	for (size_t i = 0; s->macs && i < s->cfg.keys->n; i++)
		ppv_mac_free(s->macs[i]);
	free(s->macs);
	ppv_mac_free(s->tmac);
	free(s->expr);
	free(s);
}

/* --- nginx secure_link_md5 ---------------------------------------------------- */

static void
nginx_md5(ppv_signer *s, const ppv_key *k, const char *exp, size_t en, const char *uri,
          size_t un, const char *ticket, const char *addr, uint8_t md5[16], int *over)
{
	char buf[MAXTOK];
	sb b = { buf, 0, sizeof buf, 0 };

	for (size_t i = 0; i < s->nexpr; i++) {
		const struct seg *g = &s->expr[i];
		switch (g->var) {
		case V_LIT: put(&b, g->lit, g->n); break;
		case V_EXPIRES: put(&b, exp, en); break;
		case V_URI: put(&b, uri, un); break;
		case V_DIR: {
			const char *sl = memrchr(uri, '/', un);
			put(&b, uri, sl ? (size_t)(sl - uri) : 0);
			break;
		}
		case V_TICKET: puts_(&b, ticket ? ticket : ""); break;
		case V_ADDR: puts_(&b, addr ? addr : ""); break;
		case V_SECRET: put(&b, (const char *)k->secret, k->len); break;
		}
	}
	*over = b.over;
	ppv_hash(PPV_MD5, buf, b.n, md5);
	explicit_bzero(buf, b.n);
}

static long
nginx_mint(ppv_signer *s, const ppv_claims *c, sb *out)
{
	char num[24], uri[MAXTOK], ticket[PPV_TICKET_LEN + 1] = "";
	uint8_t md5[16];
	char b64[32];
	int over;
	size_t pn = c->path ? strcspn(c->path, "?#") : 0;
	long un;

	/* nginx hashes $uri: the path decoded and resolved, without the query */
	if (!c->path || pn >= sizeof uri || (un = ppv_path_normalize(uri, c->path, pn)) < 0)
		return -1;
	/* a ticket is a buyer's: without a subject there is nobody to give it */
	if (s->tmac && (!c->sub || !*c->sub))
		return -1;
	if (s->tmac)
		ppv_ticket_derive(s->tmac, c->sub, strlen(c->sub), uri, (size_t)un, ticket);
	sb nb = { num, 0, sizeof num, 0 };
	putnum(&nb, c->expires);
	num[nb.n] = '\0';
	nginx_md5(s, &s->cfg.keys->v[0], num, nb.n, uri, (size_t)un, ticket, c->ip, md5, &over);
	if (over)
		return -1;
	ppv_b64url_encode(b64, md5, 16);
	put(out, "md5=", 4);
	puts_(out, b64);
	put(out, "&expires=", 9);
	puts_(out, num);
	if (s->tmac) {
		put(out, "&ticket=", 8);
		puts_(out, ticket);
	}
	return out->over ? -1 : (long)out->n;
}

/* --- Akamai EdgeAuth --------------------------------------------------------- */

static long
akamai_mint(ppv_signer *s, const ppv_claims *c, sb *out)
{
	int esc = s->cfg.escape_early;
	uint8_t mac[PPV_MAC_MAX];
	char hex[2 * PPV_MAC_MAX + 1];

	if (!c->nacl && !c->path)
		return -1;
	if (c->ip) {
		put(out, "ip=", 3);
		put_escaped(out, c->ip, strlen(c->ip), esc);
		put(out, "~", 1);
	}
	if (c->start >= 0) {
		put(out, "st=", 3);
		putnum(out, c->start);
		put(out, "~", 1);
	}
	put(out, "exp=", 4);
	putnum(out, c->expires);
	if (c->nacl) {
		put(out, "~acl=", 5);
		for (size_t i = 0; i < c->nacl; i++) {
			if (i)
				put(out, "!", 1);
			puts_(out, c->acl[i]);
		}
	}
	if (c->id) {
		put(out, "~id=", 4);
		put_escaped(out, c->id, strlen(c->id), esc);
	}
	if (c->data) {
		put(out, "~data=", 6);
		put_escaped(out, c->data, strlen(c->data), esc);
	}
	/* url= and salt= are signed but not carried: the edge knows both */
	size_t body = out->n;
	if (!c->nacl) {
		put(out, "~url=", 5);
		put_escaped(out, c->path, strlen(c->path), esc);
	}
	if (s->cfg.salt) {
		put(out, "~salt=", 6);
		puts_(out, s->cfg.salt);
	}
	if (out->over)
		return -1;
	ppv_mac_sign(s->macs[0], out->p, out->n, mac);
	explicit_bzero(out->p + body, out->n - body);
	out->n = body;
	put(out, "~hmac=", 6);
	put(out, hex, ppv_hex_encode(hex, mac, ppv_mac_size(s->macs[0])));
	return out->over ? -1 : (long)out->n;
}

/* --- JWT HS256 --------------------------------------------------------------- */

static long
jwt_mint(ppv_signer *s, const ppv_claims *c, sb *out)
{
	char json[MAXTOK], tmp[6 * 1024 + 1];
	sb j = { json, 0, sizeof json, 0 };
	uint8_t mac[32];
	int first = 1;

	if (c->sub)
		put_json_str(&j, "sub", c->sub, &first);
	if (c->aud)
		put_json_str(&j, "aud", c->aud, &first);
	if (c->nacl || c->path) {
		put(&j, first ? "{\"acl\":[" : ",\"acl\":[", 8);
		first = 0;
		for (size_t i = 0; i < (c->nacl ? c->nacl : 1); i++) {
			const char *a = c->nacl ? c->acl[i] : c->path;
			size_t n = c->nacl ? strlen(a) : strcspn(a, "?#");
			if (n > 1024)
				return -1;
			put(&j, i ? ",\"" : "\"", i ? 2 : 1);
			put(&j, tmp, ppv_json_escape(tmp, a, n));
			put(&j, "\"", 1);
		}
		put(&j, "]", 1);
	}
	if (c->ip)
		put_json_str(&j, "ip", c->ip, &first);
	if (c->id)
		put_json_str(&j, "jti", c->id, &first);
	if (c->data)
		put_json_str(&j, "data", c->data, &first);
	if (s->cfg.claims) {
		put(&j, first ? "{" : ",", 1);
		puts_(&j, s->cfg.claims);
		first = 0;
	}
	if (!s->cfg.no_iat)
		put_json_num(&j, "iat", c->issued, &first);
	if (c->start >= 0)
		put_json_num(&j, "nbf", c->start, &first);
	put_json_num(&j, "exp", c->expires, &first);
	put(&j, "}", 1);
	if (j.over || s->hdrlen + PPV_B64_LEN(j.n) + 64 >= out->cap)
		return -1;
	put(out, s->hdr, s->hdrlen);
	out->n += ppv_b64url_encode(out->p + out->n, (const uint8_t *)json, j.n);
	if (s->cfg.pkey) {
		uint8_t sig[512];
		long sn = ppv_pkey_sign(s->cfg.pkey, PPV_SHA256, out->p, out->n, sig, sizeof sig);
		if (sn < 0 || out->n + 1 + PPV_B64_LEN((size_t)sn) >= out->cap)
			return -1;
		put(out, ".", 1);
		out->n += ppv_b64url_encode(out->p + out->n, sig, (size_t)sn);
		return (long)out->n;
	}
	ppv_mac_sign(s->macs[0], out->p, out->n, mac);
	put(out, ".", 1);
	out->n += ppv_b64url_encode(out->p + out->n, mac, 32);
	return (long)out->n;
}

long
ppv_mint(ppv_signer *s, const ppv_claims *c, char *out, size_t cap)
{
	sb b = { out, 0, cap, 0 };

	if (!cap)
		return -1;
	out[0] = '\0';
	switch (s->cfg.fmt) {
	case PPV_FMT_NGINX: return nginx_mint(s, c, &b);
	case PPV_FMT_AKAMAI: return akamai_mint(s, c, &b);
	case PPV_FMT_GCDN: return ppv_tok_gcdn_mint(s, c, &b);
	case PPV_FMT_FASTLY: return ppv_tok_fastly_mint(s, c, &b);
	case PPV_FMT_BUNNY: return ppv_tok_bunny_mint(s, c, &b);
	case PPV_FMT_CLOUDFRONT: return ppv_tok_cloudfront_mint(s, c, &b);
	default: return jwt_mint(s, c, &b);
	}
}

long
ppv_mint_url(ppv_signer *s, const char *base, const char *path, const char *token, size_t tn,
             char *out, size_t cap)
{
	sb b = { out, 0, cap, 0 };
	int inpath = s->cfg.token_path != NULL;

	/* Bunny's token is the signed URL itself */
	if (s->cfg.fmt == PPV_FMT_BUNNY) {
		put(&b, token, tn);
		return b.over ? -1 : (long)b.n;
	}
	if (base) {
		size_t n = strlen(base);
		/* one slash between base and path, however the user wrote them */
		put(&b, base, n && base[n - 1] == '/' && ((path && *path == '/') || inpath) ? n - 1 : n);
	}
	if (inpath) {
		/* md5=MD5&expires=EXPIRES[&ticket=TICKET], as nginx_mint wrote it,
		 * becomes /MD5/EXPIRES[/TICKET] */
		const char *amp = memchr(token, '&', tn), *end = token + tn, *tk;
		if (!path || *path != '/' || tn < 4 || !amp || (size_t)(end - amp) < 10)
			return -1;
		tk = memchr(amp + 1, '&', (size_t)(end - amp - 1));
		put(&b, s->cfg.token_path, s->tplen);
		put(&b, "/", 1);
		put(&b, token + 4, (size_t)(amp - token - 4));
		put(&b, "/", 1);
		put(&b, amp + 9, (size_t)((tk ? tk : end) - amp - 9));
		if (tk && (size_t)(end - tk) > 8) {
			put(&b, "/", 1);
			put(&b, tk + 8, (size_t)(end - tk - 8));
		}
		puts_(&b, path);
		return b.over ? -1 : (long)b.n;
	}
	if (path)
		puts_(&b, path);
	put(&b, path && strchr(path, '?') ? "&" : "?", 1);
	/* nginx's, Cloud CDN's and Fastly's tokens are query parameters already */
	if (s->cfg.fmt == PPV_FMT_AKAMAI || s->cfg.fmt == PPV_FMT_JWT) {
		puts_(&b, s->name);
		put(&b, "=", 1);
	}
	put(&b, token, tn);
	return b.over ? -1 : (long)b.n;
}

/* --- checking ------------------------------------------------------------------ */

/* A parameter of a query string; 0 absent, 1 found, -1 given twice. */
int
ppv_tok_param(const char *q, size_t qn, const char *name, const char **v, size_t *vn)
{
	size_t nn = strlen(name), i = 0;
	int found = 0;

	while (i < qn) {
		size_t e = i;
		while (e < qn && q[e] != '&')
			e++;
		if (e - i > nn && q[i + nn] == '=' && !memcmp(q + i, name, nn)) {
			if (found)
				return -1;
			*v = q + i + nn + 1;
			*vn = e - i - nn - 1;
			found = 1;
		}
		i = e + 1;
	}
	return found;
}

void
ppv_tok_split(const char *line, size_t n, ppv_tokparts *p)
{
	size_t i = 0;

	memset(p, 0, sizeof *p);
	if ((n > 7 && !memcmp(line, "http://", 7)) || (n > 8 && !memcmp(line, "https://", 8))) {
		i = (size_t)((const char *)memchr(line, ':', n) - line) + 3;
		while (i < n && line[i] != '/' && line[i] != '?' && line[i] != '#')
			i++;
	} else if (!n || line[0] != '/') {
		/* a bare token, `name=token`, or a query string */
		p->query = p->token = line;
		p->qn = p->tn = n;
		return;
	}
	p->path = line + i;
	while (i < n && line[i] != '?' && line[i] != '#')
		i++;
	p->pn = (size_t)(line + i - p->path);
	if (p->pn == 0)
		p->path = "/", p->pn = 1;
	if (i < n && line[i] == '?') {
		p->query = line + ++i;
		while (i < n && line[i] != '#')
			i++;
		p->qn = (size_t)(line + i - p->query);
	}
}

int
ppv_tok_int(const char *s, size_t n, int64_t *v)
{
	int64_t r = 0;

	if (!n || n > 18)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		r = r * 10 + (s[i] - '0');
	}
	*v = r;
	return 0;
}

static int
acl_allows(const char *acl, size_t an, const char *path, size_t pn, char sep)
{
	size_t i = 0;

	while (i <= an) {
		size_t e = i;
		while (e < an && acl[e] != sep)
			e++;
		if (ppv_glob_match(acl + i, e - i, path, pn))
			return 1;
		i = e + 1;
	}
	return 0;
}

static enum ppv_verdict
nginx_check(ppv_signer *s, const ppv_checkopt *o, const ppv_tokparts *p)
{
	const char *md5s, *exps, *path = p->path, *tks = NULL;
	size_t md5n, expn, pn = p->pn, tkn = 0;
	char uri[MAXTOK], ticket[PPV_TICKET_LEN + 1] = "";
	uint8_t got[16], want[16];
	int64_t exp;
	long un;
	int over, ok = 0;

	if (s->cfg.token_path && path) {
		/* PREFIX/MD5/EXPIRES/PATH: the path nginx hashes is what follows */
		const char *e = path + pn, *q;
		if (pn <= s->tplen + 1 || memcmp(path, s->cfg.token_path, s->tplen) || path[s->tplen] != '/')
			return PPV_TOK_MALFORMED;
		md5s = path + s->tplen + 1;
		if (!(q = memchr(md5s, '/', (size_t)(e - md5s))))
			return PPV_TOK_MALFORMED;
		md5n = (size_t)(q - md5s);
		exps = q + 1;
		if (!(q = memchr(exps, '/', (size_t)(e - exps))))
			return PPV_TOK_MALFORMED;
		expn = (size_t)(q - exps);
		if (s->tmac) {
			tks = q + 1;
			if (!(q = memchr(tks, '/', (size_t)(e - tks))))
				return PPV_TOK_MALFORMED;
			tkn = (size_t)(q - tks);
		}
		path = q, pn = (size_t)(e - q);
	} else if (ppv_tok_param(p->query, p->qn, "md5", &md5s, &md5n) != 1 ||
	           ppv_tok_param(p->query, p->qn, "expires", &exps, &expn) != 1 ||
	           (s->tmac && ppv_tok_param(p->query, p->qn, "ticket", &tks, &tkn) != 1)) {
		return PPV_TOK_MALFORMED;
	}
	if (tks) {
		if (!ppv_ticket_valid(tks, tkn))
			return PPV_TOK_MALFORMED;
		memcpy(ticket, tks, tkn);
		ticket[tkn] = '\0';
	}
	if (ppv_b64url_decode(got, sizeof got, md5s, md5n) != 16 || ppv_tok_int(exps, expn, &exp))
		return PPV_TOK_MALFORMED;
	if (!path && o->path)
		path = o->path, pn = strcspn(o->path, "?#");
	if (!path)
		return PPV_TOK_MALFORMED;
	if (pn >= sizeof uri || (un = ppv_path_normalize(uri, path, pn)) < 0)
		return PPV_TOK_MALFORMED;
	for (size_t i = 0; i < s->cfg.keys->n; i++) {
		nginx_md5(s, &s->cfg.keys->v[i], exps, expn, uri, (size_t)un, ticket, o->ip, want, &over);
		ok |= !over && ppv_ct_equal(got, want, 16);
	}
	if (!ok)
		return PPV_TOK_BAD_SIGNATURE;
	if (o->now > exp + o->leeway)
		return PPV_TOK_EXPIRED;
	/* after the signature, as nginx's site asks the map only of tickets it let in */
	if (tks && o->revoked && ppv_revset_has(o->revoked, tks, tkn))
		return PPV_TOK_REVOKED;
	return PPV_TOK_OK;
}

static enum ppv_verdict
akamai_check(ppv_signer *s, const ppv_checkopt *o, const ppv_tokparts *p)
{
	const char *t = p->token, *path = p->path;
	size_t tn = p->tn, pn = p->pn, nl = s->namelen;
	const char *f[8] = { 0 };     /* ip st exp acl id data hmac */
	size_t fn[8] = { 0 };
	static const char *const names[] = { "ip", "st", "exp", "acl", "id", "data", "hmac" };
	char buf[MAXTOK], norm[MAXTOK];
	uint8_t mac[PPV_MAC_MAX];
	int64_t exp, st = -1;
	int ok = 0;

	if (p->path) {
		if (ppv_tok_param(p->query, p->qn, s->name, &t, &tn) != 1)
			return PPV_TOK_MALFORMED;
	} else if (tn > nl && t[nl] == '=' && !memcmp(t, s->name, nl)) {
		t += nl + 1, tn -= nl + 1;
	}
	if (!path && o->path)
		path = o->path, pn = strlen(o->path);
	/* fields in the reference order, each at most once, hmac last */
	size_t i = 0, last = 0;  /* hmac is the highest: nothing may follow it */
	while (i < tn) {
		size_t e = i, k;
		while (e < tn && t[e] != '~')
			e++;
		for (k = 0; k < 7; k++) {
			size_t kn = strlen(names[k]);
			if (e - i > kn && t[i + kn] == '=' && !memcmp(t + i, names[k], kn))
				break;
		}
		if (k == 7 || f[k] || k < last)
			return PPV_TOK_MALFORMED;
		last = k;
		f[k] = t + i + strlen(names[k]) + 1;
		fn[k] = e - i - strlen(names[k]) - 1;
		i = e + 1;
	}
	if (!f[2] || !f[6] || ppv_tok_int(f[2], fn[2], &exp) || (f[1] && ppv_tok_int(f[1], fn[1], &st)))
		return PPV_TOK_MALFORMED;
	size_t ml = ppv_hash_size(s->cfg.algo);
	if (ppv_hex_decode(mac, sizeof mac, f[6], fn[6]) != (long)ml)
		return PPV_TOK_MALFORMED;
	/* what was signed: the body as carried, then url= and salt= */
	sb b = { buf, 0, sizeof buf, 0 };
	put(&b, t, (size_t)(f[6] - 6 - t));
	if (!f[3]) {
		if (!path)
			return PPV_TOK_MALFORMED;
		put(&b, "~url=", 5);
		put_escaped(&b, path, pn, s->cfg.escape_early);
	}
	if (s->cfg.salt) {
		put(&b, "~salt=", 6);
		puts_(&b, s->cfg.salt);
	}
	if (b.over)
		return PPV_TOK_MALFORMED;
	for (size_t k = 0; k < s->cfg.keys->n; k++)
		ok |= ppv_mac_verify(s->macs[k], buf, b.n, mac, ml);
	if (!ok)
		return PPV_TOK_BAD_SIGNATURE;
	if (o->now > exp + o->leeway)
		return PPV_TOK_EXPIRED;
	if (st >= 0 && o->now < st - o->leeway)
		return PPV_TOK_NOT_YET_VALID;
	if (f[0] && o->ip) {
		char ip[3 * 64 + 1];
		size_t n = strlen(o->ip);
		if (n > 64)
			return PPV_TOK_ACL_MISMATCH;
		if (s->cfg.escape_early)
			n = ppv_url_escape(ip, o->ip, n, 1);
		else
			memcpy(ip, o->ip, n);
		if (n != fn[0] || memcmp(ip, f[0], n))
			return PPV_TOK_ACL_MISMATCH;
	}
	if (f[3] && path) {
		size_t q = 0;
		while (q < pn && path[q] != '?' && path[q] != '#')
			q++;
		long nn = q < sizeof norm ? ppv_path_normalize(norm, path, q) : -1;
		if (nn < 0)
			return PPV_TOK_MALFORMED;
		if (!acl_allows(f[3], fn[3], norm, (size_t)nn, '!'))
			return PPV_TOK_ACL_MISMATCH;
	}
	return PPV_TOK_OK;
}

struct hdr_ctx {
	ppv_signer *s;
	int alg, key, bad;
};

static int
on_header(void *ctx, const char *k, size_t kn, const ppv_jval *v)
{
	struct hdr_ctx *h = ctx;
	char val[128];

	if (kn == 3 && !memcmp(k, "alg", 3)) {
		/* only the algorithm configured: `none` or an algorithm swap must never verify */
		h->alg = ppv_json_string(v, val, sizeof val) == 5 && !memcmp(val, h->s->alg, 5);
		if (!h->alg)
			h->bad = 1;
	} else if (kn == 3 && !memcmp(k, "kid", 3)) {
		long n = ppv_json_string(v, val, sizeof val);
		const ppv_key *key;
		if (n < 0)
			return -1;
		if (h->s->cfg.pkey) {
			/* one key: a kid, when both name one, must be its */
			const char *kid = h->s->cfg.kid;
			h->key = !kid || (strlen(kid) == (size_t)n && !memcmp(kid, val, (size_t)n)) ? 0 : HDR_UNKNOWN;
			return 0;
		}
		key = ppv_keys_find(h->s->cfg.keys, val, (size_t)n);
		h->key = key ? (int)(key - h->s->cfg.keys->v) : HDR_UNKNOWN;
	} else if (kn == 4 && !memcmp(k, "crit", 4)) {
		h->bad = 1;  /* RFC 7515 §4.1.11: extensions we do not know */
	}
	return 0;
}

/* What a header segment means: a key index, HDR_NONE (no kid: try all),
 * HDR_UNKNOWN or HDR_BAD. Cached, since a batch shares one header. */
static int
jwt_header_key(ppv_signer *s, const char *h, size_t hn)
{
	uint8_t json[512];
	long n;

	if (hn == s->seenlen && !memcmp(h, s->seen, hn))
		return s->seenkey;
	struct hdr_ctx c = { s, 0, HDR_NONE, 0 };
	n = ppv_b64url_decode(json, sizeof json, h, hn);
	if (n < 0 || ppv_json_object((const char *)json, (size_t)n, on_header, &c) || !c.alg || c.bad)
		c.key = HDR_BAD;
	if (hn <= sizeof s->seen) {
		memcpy(s->seen, h, hn);
		s->seenlen = hn;
		s->seenkey = c.key;
	}
	return c.key;
}

struct claims_ctx {
	int64_t exp, nbf;
	int has_exp, has_nbf, bad, seen;
	const ppv_jval *acl, *aud, *ip;
	ppv_jval aclv, audv, ipv;
	const char *want;  /* the path (normalized) or audience asked for */
	size_t wn;
	int glob, match;
};

static int
on_claim(void *ctx, const char *k, size_t kn, const ppv_jval *v)
{
	struct claims_ctx *c = ctx;
	static const char *const names[] = { "exp", "nbf", "acl", "aud", "ip" };
	int i;

	for (i = 0; i < 5; i++)
		if (strlen(names[i]) == kn && !memcmp(names[i], k, kn))
			break;
	if (i == 5)
		return 0;
	if (c->seen & 1 << i)
		return -1;  /* a claim given twice is ambiguous: refuse it */
	c->seen |= 1 << i;
	switch (i) {
	case 0: c->has_exp = 1; return ppv_json_int(v, &c->exp);
	case 1: c->has_nbf = 1; return ppv_json_int(v, &c->nbf);
	case 2: c->aclv = *v; c->acl = &c->aclv; return 0;
	case 3: c->audv = *v; c->aud = &c->audv; return 0;
	default: c->ipv = *v; c->ip = &c->ipv; return 0;
	}
}

/* One element of an acl (a pattern) or aud (a plain string) claim. */
static int
match_elem(void *ctx, const ppv_jval *v)
{
	struct claims_ctx *c = ctx;
	char s[2048];
	long n = ppv_json_string(v, s, sizeof s);

	if (n < 0)
		return -1;
	if (c->glob ? ppv_glob_match(s, (size_t)n, c->want, c->wn)
	            : (size_t)n == c->wn && !memcmp(s, c->want, c->wn))
		c->match = 1;
	return 0;
}

/* acl or aud: a string or an array of strings; -1 malformed, else whether
 * one of them grants want. */
static int
any_match(struct claims_ctx *c, const ppv_jval *v, const char *want, size_t wn, int glob)
{
	c->want = want;
	c->wn = wn;
	c->glob = glob;
	c->match = 0;
	if (v->type == 's') {
		if (match_elem(c, v))
			return -1;
	} else if (ppv_json_array(v, match_elem, c)) {
		return -1;
	}
	return c->match;
}

static enum ppv_verdict
jwt_check(ppv_signer *s, const ppv_checkopt *o, const ppv_tokparts *p)
{
	const char *t = p->token, *path = p->path, *dot1, *dot2;
	size_t tn = p->tn, pn = p->pn;
	uint8_t sig[513], json[MAXTOK];
	char norm[MAXTOK];
	int key, ok = 0;
	long n;

	if (p->path && ppv_tok_param(p->query, p->qn, s->name, &t, &tn) != 1)
		return PPV_TOK_MALFORMED;
	if (!p->path && tn > s->namelen && t[s->namelen] == '=' && !memcmp(t, s->name, s->namelen))
		t += s->namelen + 1, tn -= s->namelen + 1;
	if (!(dot1 = memchr(t, '.', tn)) || !(dot2 = memchr(dot1 + 1, '.', tn - (size_t)(dot1 + 1 - t))) ||
	    memchr(dot2 + 1, '.', tn - (size_t)(dot2 + 1 - t)))
		return PPV_TOK_MALFORMED;
	key = jwt_header_key(s, t, (size_t)(dot1 - t));
	if (key == HDR_BAD)
		return PPV_TOK_MALFORMED;
	if (key == HDR_UNKNOWN)
		return PPV_TOK_UNKNOWN_KEY;
	long sn = ppv_b64url_decode(sig, sizeof sig, dot2 + 1, tn - (size_t)(dot2 + 1 - t));
	if (s->cfg.pkey) {
		if (sn <= 0)
			return PPV_TOK_MALFORMED;
		ok = ppv_pkey_verify(s->cfg.pkey, PPV_SHA256, t, (size_t)(dot2 - t), sig, (size_t)sn);
	} else if (sn != 32) {
		return PPV_TOK_MALFORMED;
	} else if (key >= 0) {
		ok = ppv_mac_verify(s->macs[key], t, (size_t)(dot2 - t), sig, 32);
	} else {
		for (size_t k = 0; k < s->cfg.keys->n; k++)
			ok |= ppv_mac_verify(s->macs[k], t, (size_t)(dot2 - t), sig, 32);
	}
	if (!ok)
		return PPV_TOK_BAD_SIGNATURE;
	n = ppv_b64url_decode(json, sizeof json, dot1 + 1, (size_t)(dot2 - dot1 - 1));
	struct claims_ctx c = { 0 };
	if (n < 0 || ppv_json_object((const char *)json, (size_t)n, on_claim, &c) || !c.has_exp)
		return PPV_TOK_MALFORMED;
	/* as PyJWT: expired once now reaches exp */
	if (o->now >= c.exp + o->leeway)
		return PPV_TOK_EXPIRED;
	if (c.has_nbf && o->now < c.nbf - o->leeway)
		return PPV_TOK_NOT_YET_VALID;
	if (o->aud) {
		int m = c.aud ? any_match(&c, c.aud, o->aud, strlen(o->aud), 0) : 0;
		if (m < 0)
			return PPV_TOK_MALFORMED;
		if (!m)
			return PPV_TOK_ACL_MISMATCH;
	}
	if (c.ip && o->ip) {
		char ip[128];
		if (ppv_json_string(c.ip, ip, sizeof ip) < 0)
			return PPV_TOK_MALFORMED;
		if (strcmp(ip, o->ip))
			return PPV_TOK_ACL_MISMATCH;
	}
	if (!path && o->path)
		path = o->path, pn = strcspn(o->path, "?#");
	if (!c.acl && path)
		return PPV_TOK_ACL_MISMATCH;  /* no acl grants no path */
	if (c.acl && path) {
		long nn = pn < sizeof norm ? ppv_path_normalize(norm, path, pn) : -1;
		if (nn < 0)
			return PPV_TOK_MALFORMED;
		int m = any_match(&c, c.acl, norm, (size_t)nn, 1);
		if (m < 0)
			return PPV_TOK_MALFORMED;
		if (!m)
			return PPV_TOK_ACL_MISMATCH;
	}
	return PPV_TOK_OK;
}

enum ppv_verdict
ppv_check(ppv_signer *s, const ppv_checkopt *o, const char *line, size_t n)
{
	ppv_tokparts p;

	while (n && (line[0] == ' ' || line[0] == '\t'))
		line++, n--;
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
		n--;
	if (!n || n >= MAXTOK)
		return PPV_TOK_MALFORMED;
	/* the whole line is signed: a URL, a cookie */
	if (s->cfg.fmt == PPV_FMT_GCDN)
		return ppv_tok_gcdn_check(s, o, line, n);
	if (s->cfg.fmt == PPV_FMT_BUNNY)
		return ppv_tok_bunny_check(s, o, line, n);
	if (s->cfg.fmt == PPV_FMT_CLOUDFRONT)
		return ppv_tok_cloudfront_check(s, o, line, n);
	ppv_tok_split(line, n, &p);
	switch (s->cfg.fmt) {
	case PPV_FMT_NGINX: return nginx_check(s, o, &p);
	case PPV_FMT_AKAMAI: return akamai_check(s, o, &p);
	case PPV_FMT_FASTLY: return ppv_tok_fastly_check(s, o, &p);
	default: return jwt_check(s, o, &p);
	}
}
