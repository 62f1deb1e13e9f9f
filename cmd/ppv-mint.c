/* ppv-mint: mint and check paywall tokens and signed URLs for nginx, Akamai, JWT, Google Cloud CDN and Fastly. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "audit.h"
#include "cli.h"
#include "codec.h"
#include "csvio.h"
#include "input.h"
#include "json.h"
#include "keys.h"
#include "money.h"
#include "opt.h"
#include "progress.h"
#include "ticket.h"
#include "token.h"
#include "urlpath.h"
#include "when.h"

enum {
	O_IP = PPV_OPT_LONG, O_ID, O_DATA, O_SUB, O_AUD, O_ALGO, O_SALT, O_EXPR, O_ESCAPE, O_NAME, O_TPATH,
	O_NOW, O_PATH, O_LEEWAY, O_GENKEY, O_BATCH, O_REVOKE, O_REVOKED, O_AUDIT, O_WINDOW,
	O_KEYNAME, O_PREFIX, O_COOKIES, O_COUNTRIES, O_BLOCKED, O_LIMIT, O_IGNORE, O_DIRECTORY, O_ALG, O_KID,
	O_KEYPAIR, O_HASH, O_CLAIM, O_NOIAT, O_NOACL,
};

static const ppv_opt options[] = {
	{ "format", 'f', "FORMAT", "nginx (secure_link_md5), akamai (EdgeAuth), jwt (HS256),\n"
	  "gcdn (Google Cloud CDN), fastly, bunny (BunnyCDN), cloudfront",
	  "nginx akamai jwt gcdn fastly bunny cloudfront" },
	{ "key", 'k', "FILE", "keys, one `SECRET` or `KID SECRET` a line (hex for\n"
	  "akamai and jwt, base64 for gcdn and fastly); the first\n"
	  "signs, all verify.\n"
	  "Without -k, the keys are read from $PPV_KEY", "@file" },
	{ "expires", 'e', "TIME", "expiry: RFC 3339 or unix seconds" },
	{ "ttl", 't', "DURATION", "expiry after START or now: 90, 2m, 1h30m, 7d" },
	{ "start", 's', "TIME", "not valid before (akamai st, jwt nbf)" },
	{ "acl", 'a', "ACL", "path pattern granted, `*` and `?` wildcards; repeat", NULL, true },
	{ "ip", O_IP, "ADDR", "bind to the client address" },
	{ "id", O_ID, "ID", "akamai id / jwt jti" },
	{ "data", O_DATA, "DATA", "akamai data / jwt data claim" },
	{ "sub", O_SUB, "SUBJECT", "jwt subject" },
	{ "alg", O_ALG, "ALG", "jwt: HS256 (default), RS256 or ES256 (-k a PEM key:\n"
	  "private to mint, public or private to check)", "HS256 RS256 ES256" },
	{ "kid", O_KID, "ID", "jwt RS256 and ES256: the key id in the header" },
	{ "aud", O_AUD, "AUD", "jwt audience (checked with -c when given)" },
	{ "claim", O_CLAIM, "NAME=JSON", "jwt: one more claim, its value in JSON; repeat", NULL, true },
	{ "no-iat", O_NOIAT, NULL, "jwt: no iat claim (as Mux's tokens)" },
	{ "no-acl", O_NOACL, NULL, "jwt: no acl claim, for verifiers that take the\n"
	  "resource from --sub (Mux, Cloudflare Stream)" },
	{ "algo", O_ALGO, "ALGO", "akamai HMAC: sha256 (default), sha1, md5", "sha256 sha1 md5" },
	{ "salt", O_SALT, "SALT", "akamai salt, signed but not carried" },
	{ "escape-early", O_ESCAPE, NULL, "akamai: URL-escape ip, id, data and url before signing" },
	{ "nginx-expr", O_EXPR, "EXPR", "nginx secure_link_md5 expression (default\n"
	  "'$secure_link_expires$uri$remote_addr $secret')" },
	{ "token-name", O_NAME, "NAME", "query parameter of the token (__token__, token)" },
	{ "token-path", O_TPATH, "PREFIX", "nginx: the token in the path, BASEURL/PREFIX/MD5/\n"
	  "EXPIRES/PATH, so relative URIs in a playlist keep it" },
	{ "key-name", O_KEYNAME, "NAME", "gcdn: the KeyName of a key line that names none" },
	{ "prefix", O_PREFIX, "URL", "gcdn: sign this URL prefix (URLPrefix=); bunny: this\n"
	  "path prefix (token_path): one token for what is under it" },
	{ "cookies", O_COOKIES, NULL, "gcdn, cloudfront: print Set-Cookie lines, not a URL" },
	{ "key-pair-id", O_KEYPAIR, "ID", "cloudfront: the id of the public key (Key-Pair-Id)" },
	{ "hash", O_HASH, "HASH", "cloudfront: sha1 (default) or sha256", "sha1 sha256" },
	{ "countries", O_COUNTRIES, "CC,CC", "bunny: only from these countries" },
	{ "countries-blocked", O_BLOCKED, "CC,CC", "bunny: never from these countries" },
	{ "speed-limit", O_LIMIT, "KBPS", "bunny: the download speed limit (limit=)" },
	{ "ignore-params", O_IGNORE, NULL, "bunny: the URL's query is not signed" },
	{ "directory", O_DIRECTORY, NULL, "bunny: the token as a directory, /bcdn_token=.../PATH,\n"
	  "so relative URIs in a playlist keep it" },
	{ "base-url", 'u', "URL", "print signed URLs under this base", "@url" },
	{ "batch", O_BATCH, NULL, "read the CSV batch from stdin even with -a" },
	{ "now", O_NOW, "TIME", "the clock, for reproducible runs and tests" },
	{ "output", 'o', "FILE", "write to FILE (atomically) instead of stdout", "@file" },
	{ "check", 'c', NULL, "check tokens or URLs, one a line: `LINE: OK` or\n"
	  "`LINE: FAIL REASON`" },
	{ "path", O_PATH, "PATH", "the requested path, for lines that are bare tokens;\n"
	  "with --revoke, the event of rows without a path" },
	{ "leeway", O_LEEWAY, "SECONDS", "clock skew allowed when checking" },
	{ "quiet", 'q', NULL, "with -c, print only the failures" },
	{ "verbose", 'v', NULL, "with -c, a summary on stderr" },
	{ "revoked", O_REVOKED, "MAPFILE", "with -c, tickets in this nginx map fail as revoked", "@file" },
	{ "revoke", O_REVOKE, NULL, "nginx: read CSV `subject,path` or `ticket` and write\n"
	  "the revocation map (`TICKET 1;`), keeping what -o has" },
	{ "audit", O_AUDIT, NULL, "read nginx access logs (combined, plain or gzip) and\n"
	  "write a CSV row per ticket; exit 1 when one is shared" },
	{ "window", O_WINDOW, "DURATION", "audit: two networks fetching a segment this close\n"
	  "overlap (default 1m)" },
	{ "genkey", O_GENKEY, NULL, "print a new random key for FORMAT" },
	PPV_OPT_HELP,
	PPV_OPT_END,
};

static const ppv_doc doc = {
	.usage = "ppv-mint -f FORMAT -k KEYFILE [-e EXPIRES | -t TTL] [-s START] [-a ACL]...\n"
		 "                [--ip ADDR] [--id ID] [--data DATA] [--sub SUBJECT] [--aud AUD]\n"
		 "                [--alg HS256|RS256|ES256] [--kid ID] [--claim NAME=JSON]...\n"
		 "                [--no-iat] [--no-acl]\n"
		 "                [--algo sha256|sha1|md5] [--salt SALT] [--nginx-expr EXPR]\n"
		 "                [--token-path PREFIX] [--escape-early] [--key-name NAME]\n"
		 "                [--prefix URL] [--cookies] [--countries CC,CC]\n"
		 "                [--countries-blocked CC,CC] [--speed-limit KBPS] [--ignore-params]\n"
		 "                [--directory] [--key-pair-id ID] [--hash sha1|sha256]\n"
		 "                [-u BASEURL] [--now TIME]\n"
		 "                [-o FILE] [PATH...]\n"
		 "       ppv-mint -c -f FORMAT -k KEYFILE [--path PATH] [--ip ADDR] [--aud AUD]\n"
		 "                [--leeway SECONDS] [--revoked MAPFILE] [--now TIME] [-q]\n"
		 "                [FILE...]\n"
		 "       ppv-mint -f nginx -k KEYFILE --revoke [-o MAPFILE] [FILE...]\n"
		 "       ppv-mint --audit [--window DURATION] [--token-path PREFIX] [LOG...]\n"
		 "       ppv-mint --genkey [-f FORMAT]",
	.about = "Mint and check paywall tokens and signed URLs that nginx, Akamai, JWT,\n"
		 "Google Cloud CDN, Fastly, BunnyCDN and CloudFront verifiers accept. With no\n"
		 "PATH, no -a\n"
		 "(and, for jwt, no --sub), reads CSV `subject,path[,start,expires,ip]` on stdin and writes\n"
		 "`subject,path,expires,token,ticket,url`, one row per subscriber.\n"
		 "With $ppv_ticket in --nginx-expr, each buyer's URL carries a ticket\n"
		 "of their own, which --revoke takes back and --audit finds shared.",
	.opts = options,
	.footer = "Exit status: 0 success, 1 a token failed the check, 2 usage, I/O or bad input.\n"
		  "See ppv-mint(1).",
};

enum { TOKMAX = 16384 };

struct opts {
	int fmt, check, genkey, batch, quiet, verbose, revoke, audit, no_acl;
	const char *keyfile, *base, *output, *expires, *ttl, *start, *revoked;
	int64_t window;
	int64_t now, leeway;
	ppv_tokcfg cfg;
	ppv_claims claims;
	ppv_checkopt chk;
	const char **acl;
	size_t nacl;
};

static FILE *out;

/* --claim NAME=JSON: appended to the members the signer writes, once checked
 * to be one JSON value under a name no other claim has */
static void
add_claim(struct opts *o, const char *arg)
{
	static const char *names[64] = { "sub", "aud", "acl", "ip", "jti", "data", "iat", "nbf", "exp" };
	static size_t nnames = 9;
	static char buf[8192];
	static size_t n;
	const char *eq = strchr(arg, '=');
	size_t kn = eq ? (size_t)(eq - arg) : 0;
	char name[255 * 6 + 1];

	if (!kn || kn > 255)
		ppv_die(PPV_ERR, "--claim: '%s' is not NAME=JSON", arg);
	/* the same name twice would be read one way by one verifier, another by the next */
	for (size_t i = 0; i < nnames; i++)
		if (strcspn(names[i], "=") == kn && !memcmp(names[i], arg, kn))
			ppv_die(PPV_ERR, "--claim: '%.*s' %s", (int)kn, arg,
			        i < 9 ? "is a claim ppv-mint writes itself (see --help)" : "given twice");
	if (nnames == sizeof names / sizeof *names)
		ppv_die(PPV_ERR, "--claim: more than %zu claims", nnames - 9);
	if (ppv_json_value(eq + 1, strlen(eq + 1)))
		ppv_die(PPV_ERR, "--claim: the value of '%.*s' is not one JSON value (a string is \"quoted\")",
		        (int)kn, arg);
	names[nnames++] = arg;
	size_t en = ppv_json_escape(name, arg, kn);
	if (n + en + strlen(eq + 1) + 5 >= sizeof buf)
		ppv_die(PPV_ERR, "--claim: the claims exceed %zu bytes", sizeof buf);
	n += (size_t)snprintf(buf + n, sizeof buf - n, "%s\"%.*s\":%s", n ? "," : "", (int)en, name, eq + 1);
	o->cfg.claims = buf;
}

static int64_t
parse_time(const char *opt, const char *s)
{
	int64_t t;

	if (ppv_time_parse(s, &t))
		ppv_die(PPV_ERR, "%s: '%s' is not a time (RFC 3339 or unix seconds)", opt, s);
	return t;
}

/* Expiry of one token: -e as given, or -t after the start (or now). */
static int
expiry(const struct opts *o, const char *expires, const char *ttl, int64_t start, int64_t *exp)
{
	int64_t d;

	if (expires && *expires)
		return ppv_time_parse(expires, exp);
	if (!ttl || ppv_duration_parse(ttl, &d))
		return -1;
	*exp = (start >= 0 ? start : o->now) + d;
	return 0;
}

static void
genkey(int fmt)
{
	uint8_t k[32];
	char text[72];

	ppv_random(k, sizeof k);
	/* nginx takes the secret literally from its config: keep it printable;
	 * Cloud CDN takes 128 bits in base64url, padded, as gcloud prints them;
	 * Fastly's VCL base64-decodes its key */
	if (fmt == PPV_FMT_NGINX) {
		ppv_b64url_encode(text, k, sizeof k);
	} else if (fmt == PPV_FMT_GCDN) {
		size_t m = ppv_b64url_encode(text, k, 16);
		while (m % 4)
			text[m++] = '=';
		text[m] = '\0';
	} else if (fmt == PPV_FMT_FASTLY) {
		ppv_b64_encode(text, k, sizeof k);
	} else {
		ppv_hex_encode(text, k, sizeof k);
	}
	explicit_bzero(k, sizeof k);
	printf("%s\n", text);
	explicit_bzero(text, sizeof text);
	ppv_exit(PPV_OK);
}

/* Cloud CDN and Bunny sign the URL, scheme and host and all */
static int
whole_url(const struct opts *o)
{
	return o->fmt == PPV_FMT_GCDN || o->fmt == PPV_FMT_BUNNY || o->fmt == PPV_FMT_CLOUDFRONT;
}

/* Cloud CDN's cookie as the web site sets it: scoped to the prefix's
 * directory, gone when the token is, out of scripts' reach */
static void
print_cookie(const struct opts *o, const ppv_claims *c, const char *tok, size_t n)
{
	const char *u = o->cfg.url_prefix ? o->cfg.url_prefix : c->path;
	const char *p = strchr(u + strspn(u, "abcdefghijklmnopqrstuvwxyz") + 3, '/');
	const char *sl = p ? strrchr(p, '/') : NULL;
	time_t t = (time_t)c->expires;
	struct tm tm;
	char date[64];

	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	fputs("Set-Cookie: ", out);
	fwrite(tok, 1, n, out);
	fputs("; Path=", out);
	if (p)
		fwrite(p, 1, (size_t)(sl - p + 1), out);
	else
		putc('/', out);
	fprintf(out, "; Expires=%s; HttpOnly%s\n", date, strncmp(u, "https:", 6) ? "" : "; Secure");
}

/* What a token signs: the path, or for Cloud CDN and Bunny the whole URL, base and path. */
static const char *
target(const struct opts *o, const char *path, char *buf, size_t cap)
{
	size_t bn;

	if (!whole_url(o) || !o->base || !path)
		return path;
	bn = strlen(o->base);
	if (bn && o->base[bn - 1] == '/' && *path == '/')
		bn--;
	if (snprintf(buf, cap, "%.*s%s", (int)bn, o->base, path) >= (int)cap)
		ppv_die(PPV_ERR, "%s: URL too long", path);
	return buf;
}

static void
mint_one(ppv_signer *s, const struct opts *o, const ppv_claims *c, const char *path)
{
	static char tok[TOKMAX], url[2 * TOKMAX];
	long n, un;

	if ((n = ppv_mint(s, c, tok, sizeof tok)) < 0)
		ppv_die(PPV_ERR, "%s: cannot mint: a claim is too long or not a valid path",
		        path ? path : "token");
	if (o->cfg.cookies && o->fmt == PPV_FMT_CLOUDFRONT) {
		/* a cookie a line: the site sets all of them */
		for (const char *p = tok; *p; ) {
			size_t l = strcspn(p, "\n");
			fprintf(out, "Set-Cookie: %.*s; Path=/; Secure; HttpOnly\n", (int)l, p);
			p += l + (p[l] == '\n');
		}
		return;
	}
	if (o->cfg.cookies) {
		print_cookie(o, c, tok, (size_t)n);
		return;
	}
	/* a token in the path is only of use as a path; Cloud CDN's and Bunny's are the URL's */
	if (o->base || o->cfg.token_path || whole_url(o)) {
		if ((un = ppv_mint_url(s, whole_url(o) ? NULL : o->base, path, tok, (size_t)n, url, sizeof url)) < 0)
			ppv_die(PPV_ERR, "%s: URL too long", path);
		fwrite(url, 1, (size_t)un, out);
	} else {
		fwrite(tok, 1, (size_t)n, out);
	}
	putc('\n', out);
}

static int
batch(ppv_signer *s, const struct opts *o)
{
	static char tok[TOKMAX], url[2 * TOKMAX], full[TOKMAX];
	ppv_input *in = ppv_input_open(NULL);
	ppv_csv *csv = ppv_csv_open(in);
	int csub = ppv_csv_col(csv, "subject"), cpath = ppv_csv_col(csv, "path");
	int cstart = ppv_csv_col(csv, "start"), cexp = ppv_csv_col(csv, "expires");
	int cip = ppv_csv_col(csv, "ip");
	ppv_progress prog;
	uint64_t rows = 0;
	int rc = PPV_OK;
	char num[24];

	if (csub < 0 || cpath < 0)
		ppv_die(PPV_ERR, "stdin:1: the CSV header needs `subject` and `path` columns");
	if (cexp < 0 && !o->expires && !o->ttl)
		ppv_die(PPV_ERR, "no expiry: give -e or -t, or an `expires` column");
	fputs("subject,path,expires,token,ticket,url\n", out);
	ppv_progress_start(&prog, "tokens");
	while (ppv_csv_next(csv)) {
		ppv_claims c = o->claims;
		const char *path = ppv_csv_field(csv, cpath), *v;
		long n, un;

		/* an empty path would mint a token for everything (jwt) or nothing */
		if (!*path) {
			ppv_warn("stdin:%ld: empty path", ppv_csv_line(csv));
			rc = PPV_ERR;
			continue;
		}
		c.path = target(o, path, full, sizeof full);
		if (csub >= 0 && *(v = ppv_csv_field(csv, csub)))
			c.sub = v;
		if (cip >= 0 && *(v = ppv_csv_field(csv, cip)))
			c.ip = v;
		if (cstart >= 0 && *(v = ppv_csv_field(csv, cstart)) && ppv_time_parse(v, &c.start)) {
			ppv_warn("stdin:%ld: bad start '%s'", ppv_csv_line(csv), v);
			rc = PPV_ERR;
			continue;
		}
		v = cexp >= 0 ? ppv_csv_field(csv, cexp) : "";
		if (expiry(o, *v ? v : o->expires, o->ttl, c.start, &c.expires)) {
			ppv_warn("stdin:%ld: bad expires '%s'", ppv_csv_line(csv), v);
			rc = PPV_ERR;
			continue;
		}
		if ((n = ppv_mint(s, &c, tok, sizeof tok)) < 0) {
			ppv_warn("stdin:%ld: cannot mint for path '%s'", ppv_csv_line(csv), path);
			rc = PPV_ERR;
			continue;
		}
		/* a cookie is no URL; Cloud CDN's URL is the one signed */
		un = o->cfg.cookies ? 0 : ppv_mint_url(s, whole_url(o) ? NULL : o->base, c.path, tok,
		                                       (size_t)n, url, sizeof url);
		ppv_csv_put(out, ppv_csv_field(csv, csub), ppv_csv_fieldlen(csv, csub), 0);
		ppv_csv_put(out, path, ppv_csv_fieldlen(csv, cpath), 0);
		ppv_csv_put(out, num, (size_t)(ppv_int_put(c.expires, num) - num), 0);
		ppv_csv_put(out, tok, (size_t)n, 0);
		/* the ticket nginx_mint put last in the token, not derived twice; the
		 * URL stays last, where scripts take it from */
		const char *tk = memrchr(tok, '&', (size_t)n);
		if (tk && (tok + n - tk < 8 || memcmp(tk, "&ticket=", 8)))
			tk = NULL;
		ppv_csv_put(out, tk ? tk + 8 : "", tk ? (size_t)(tok + n - tk - 8) : 0, 0);
		ppv_csv_put(out, url, un < 0 ? 0 : (size_t)un, 1);
		ppv_progress_tick(&prog, ++rows);
	}
	ppv_progress_end(&prog, rows);
	ppv_csv_close(csv);
	ppv_input_close(in);
	return rc;
}

static int
check(ppv_signer *s, const struct opts *o, char **files, int nfiles)
{
	uint64_t total = 0, bad = 0;
	ppv_progress prog;
	char *line;
	ssize_t n;

	ppv_progress_start(&prog, "tokens checked");
	for (int i = 0; i < (nfiles ? nfiles : 1); i++) {
		ppv_input *in = ppv_input_open(nfiles ? files[i] : NULL);
		/* one line an attacker made huge is one failed line, not the end of the run */
		ppv_input_long_lines(in);
		while ((n = ppv_input_item(in, &line)) != -1) {
			if (n == -2) {
				total++, bad++;
				fprintf(out, "%s:%ld: (a line over 1 MiB): FAIL %s\n", ppv_input_name(in),
				        ppv_input_lineno(in), ppv_verdict_name(PPV_TOK_MALFORMED));
				continue;
			}
			enum ppv_verdict v = ppv_check(s, &o->chk, line, (size_t)n);
			total++;
			if (v != PPV_TOK_OK) {
				bad++;
				fprintf(out, "%s: FAIL %s\n", line, ppv_verdict_name(v));
			} else if (!o->quiet) {
				fwrite(line, 1, (size_t)n, out);
				fputs(": OK\n", out);
			}
			ppv_progress_tick(&prog, total);
		}
		ppv_input_close(in);
	}
	ppv_progress_end(&prog, total);
	if (o->verbose)
		ppv_warn("%llu checked, %llu OK, %llu failed", (unsigned long long)total,
		         (unsigned long long)(total - bad), (unsigned long long)bad);
	return bad ? PPV_FAIL : PPV_OK;
}

/* Adds the tickets of a CSV with `ticket`, or with `subject,path`: then
 * every key's ticket, as one minted before a key rotation is still live.
 * ppv-earnings' events give the subject as `viewer_id`, and only their
 * refunds and chargebacks are tickets to take back; an audit's rows, only
 * those it judged `shared`. */
static int
revoke_rows(const ppv_keyring *keys, const char *defpath, char **files, int nfiles, ppv_revset *set)
{
	ppv_mac **macs = ppv_xcalloc(keys->n, sizeof *macs);
	static char uri[TOKMAX];
	char ticket[PPV_TICKET_LEN + 1];
	int rc = PPV_OK;

	for (size_t i = 0; i < keys->n; i++)
		macs[i] = ppv_mac_new(PPV_SHA256, keys->v[i].secret, keys->v[i].len);
	for (int f = 0; f < (nfiles ? nfiles : 1); f++) {
		ppv_input *in = ppv_input_open(nfiles ? files[f] : NULL);
		ppv_csv *csv = ppv_csv_open(in);
		const char *name = ppv_input_name(in);
		int ct = ppv_csv_col(csv, "ticket"), cs = ppv_csv_col(csv, "subject");
		int cp = ppv_csv_col(csv, "path"), cv = ppv_csv_col(csv, "verdict");
		int ck = ppv_csv_col(csv, "kind");

		if (cs < 0)
			cs = ppv_csv_col(csv, "viewer_id");
		if (ct < 0 && (cs < 0 || (cp < 0 && !defpath)))
			ppv_die(PPV_ERR, "%s:1: the CSV header needs `ticket`, or `subject` (or `viewer_id`) "
			        "and `path` (or --path)", name);
		while (ppv_csv_next(csv)) {
			const char *t = ct >= 0 ? ppv_csv_field(csv, ct) : "";
			const char *sub = cs >= 0 ? ppv_csv_field(csv, cs) : "";
			const char *path = cp >= 0 && *ppv_csv_field(csv, cp) ? ppv_csv_field(csv, cp)
			                   : defpath ? defpath : "";
			const char *kind = ck >= 0 ? ppv_csv_field(csv, ck) : "";
			size_t pn = strcspn(path, "?#");
			long un;

			if (cv >= 0 && strcmp(ppv_csv_field(csv, cv), "shared"))
				continue;
			if (ck >= 0 && strcmp(kind, "refund") && strcmp(kind, "chargeback"))
				continue;
			if (*t) {
				if (!ppv_ticket_valid(t, ppv_csv_fieldlen(csv, ct))) {
					ppv_warn("%s:%ld: '%s' is not a ticket (16 hex digits)", name, ppv_csv_line(csv), t);
					rc = PPV_ERR;
				} else if (ppv_revset_add(set, ppv_ticket_value(t))) {
					ppv_die(PPV_ERR, "out of memory");
				}
				continue;
			}
			if (!*sub || pn >= sizeof uri || (un = ppv_path_normalize(uri, path, pn)) < 0) {
				ppv_warn("%s:%ld: needs a ticket, or a subject and an absolute path", name,
				         ppv_csv_line(csv));
				rc = PPV_ERR;
				continue;
			}
			for (size_t i = 0; i < keys->n; i++) {
				ppv_ticket_derive(macs[i], sub, ppv_csv_fieldlen(csv, cs), uri, (size_t)un, ticket);
				if (ppv_revset_add(set, ppv_ticket_value(ticket)))
					ppv_die(PPV_ERR, "out of memory");
			}
		}
		ppv_csv_close(csv);
		ppv_input_close(in);
	}
	for (size_t i = 0; i < keys->n; i++)
		ppv_mac_free(macs[i]);
	free(macs);
	ppv_revset_seal(set);
	return rc;
}

static int
audit(const struct opts *o, char **files, int nfiles)
{
	/* 8M tickets is about 2.5 GB: a made-up ticket nginx let through is a
	 * site's mistake to report, not memory to give */
	ppv_auditcfg cfg = { .window = o->window, .shared_at = 3, .max_tickets = 8000000,
	                     .token_path = o->cfg.token_path ? o->cfg.token_path : "/t" };
	ppv_audit *a = ppv_audit_new(&cfg);
	long shared;

	if (!a)
		ppv_die(PPV_ERR, "out of memory");
	for (int i = 0; i < (nfiles ? nfiles : 1); i++) {
		ppv_input *in = ppv_input_open(nfiles ? files[i] : NULL);
		if (ppv_audit_input(a, in))
			ppv_die(PPV_ERR, "%s: out of memory", ppv_input_name(in));
		ppv_input_close(in);
	}
	if ((shared = ppv_audit_report(a, out)) < 0)
		ppv_die(PPV_ERR, "%s:", o->output ? o->output : "stdout");
	if (ppv_audit_malformed(a))
		ppv_warn("%llu of %llu lines were not `combined` log lines: skipped",
		         (unsigned long long)ppv_audit_malformed(a), (unsigned long long)ppv_audit_lines(a));
	if (o->verbose)
		ppv_warn("%llu lines, %ld shared tickets", (unsigned long long)ppv_audit_lines(a), shared);
	uint64_t untracked = ppv_audit_untracked(a);
	ppv_audit_free(a);
	if (untracked) {
		ppv_warn("%llu requests of tickets past the first 8,000,000 were not audited",
		         (unsigned long long)untracked);
		return PPV_ERR;
	}
	return shared ? PPV_FAIL : PPV_OK;
}

int
main(int argc, char **argv)
{
	struct opts o = { .fmt = -1, .window = 60 };
	ppv_revset revoked = { 0 };
	ppv_keyring keys;
	ppv_atomic atomic;
	char err[256];
	int c, rc;

	ppv_init(argv[0]);
	ppv_doc_main(argc, argv, &doc);
	o.now = time(NULL);
	o.cfg.algo = PPV_SHA256;
	o.claims.start = -1;
	o.acl = ppv_xcalloc((size_t)argc, sizeof *o.acl);
	while ((c = ppv_getopt(argc, argv, &doc, NULL)) != -1) {
		switch (c) {
		case 'f':
			if ((o.fmt = ppv_fmt_byname(optarg)) < 0)
				ppv_die(PPV_ERR, "-f: unknown format '%s' (nginx, akamai, jwt, gcdn, fastly, bunny, cloudfront)", optarg);
			break;
		case 'k': o.keyfile = optarg; break;
		case 'e': o.expires = optarg; parse_time("-e", optarg); break;
		case 't':
			o.ttl = optarg;
			if (ppv_duration_parse(optarg, &(int64_t){ 0 }))
				ppv_die(PPV_ERR, "-t: '%s' is not a duration (90, 2m, 1h30m)", optarg);
			break;
		case 's': o.start = optarg; break;
		case 'a': o.acl[o.nacl++] = optarg; break;
		case O_IP: o.claims.ip = o.chk.ip = optarg; break;
		case O_ID: o.claims.id = optarg; break;
		case O_DATA: o.claims.data = optarg; break;
		case O_SUB: o.claims.sub = optarg; break;
		case O_AUD: o.claims.aud = o.chk.aud = optarg; break;
		case O_ALGO:
			if ((c = ppv_hash_byname(optarg)) < 0)
				ppv_die(PPV_ERR, "--algo: unknown '%s' (sha256, sha1, md5)", optarg);
			o.cfg.algo = (enum ppv_hash)c;
			break;
		case O_SALT: o.cfg.salt = optarg; break;
		case O_EXPR: o.cfg.nginx_expr = optarg; break;
		case O_ESCAPE: o.cfg.escape_early = 1; break;
		case O_NAME: o.cfg.token_name = optarg; break;
		case O_TPATH: o.cfg.token_path = optarg; break;
		case 'u': o.base = optarg; break;
		case O_BATCH: o.batch = 1; break;
		case O_NOW: o.now = parse_time("--now", optarg); break;
		case 'o': o.output = optarg; break;
		case 'c': o.check = 1; break;
		case O_PATH: o.chk.path = optarg; break;
		case O_LEEWAY:
			if (ppv_duration_parse(optarg, &o.leeway) || o.leeway < 0)
				ppv_die(PPV_ERR, "--leeway: '%s' is not a duration", optarg);
			break;
		case 'q': o.quiet = 1; break;
		case 'v': o.verbose = 1; break;
		case O_GENKEY: o.genkey = 1; break;
		case O_REVOKE: o.revoke = 1; break;
		case O_REVOKED: o.revoked = optarg; break;
		case O_AUDIT: o.audit = 1; break;
		case O_KEYNAME: o.cfg.key_name = optarg; break;
		case O_ALG: o.cfg.alg = optarg; break;
		case O_KEYPAIR: o.cfg.key_pair_id = optarg; break;
		case O_HASH:
			if (strcmp(optarg, "sha1") && strcmp(optarg, "sha256"))
				ppv_die(PPV_ERR, "--hash: sha1 or sha256, not '%s'", optarg);
			o.cfg.cf_sha256 = !strcmp(optarg, "sha256");
			break;
		case O_KID: o.cfg.kid = optarg; break;
		case O_CLAIM: add_claim(&o, optarg); break;
		case O_NOIAT: o.cfg.no_iat = 1; break;
		case O_NOACL: o.no_acl = 1; break;
		case O_PREFIX: o.cfg.url_prefix = optarg; break;
		case O_COOKIES: o.cfg.cookies = 1; break;
		case O_COUNTRIES: o.cfg.countries = optarg; break;
		case O_BLOCKED: o.cfg.countries_blocked = optarg; break;
		case O_LIMIT:
			o.cfg.speed_limit = strtoll(optarg, NULL, 10);
			if (!*optarg || strspn(optarg, "0123456789") != strlen(optarg) || strlen(optarg) > 12 ||
			    o.cfg.speed_limit <= 0)
				ppv_die(PPV_ERR, "--speed-limit: '%s' is not a number of kB/s", optarg);
			break;
		case O_IGNORE: o.cfg.ignore_params = 1; break;
		case O_DIRECTORY: o.cfg.bunny_dir = 1; break;
		case O_WINDOW:
			if (ppv_duration_parse(optarg, &o.window) || o.window <= 0)
				ppv_die(PPV_ERR, "--window: '%s' is not a duration (30, 2m)", optarg);
			break;
		}
	}
	argc -= optind;
	argv += optind;

	if (o.genkey && ((o.cfg.alg && strcmp(o.cfg.alg, "HS256")) || o.fmt == PPV_FMT_CLOUDFRONT)) {
		/* a key pair: the private key to mint with, the public key for the
		 * verifiers (CloudFront's key group takes it) */
		static char pem[16384];
		int rs = o.fmt == PPV_FMT_CLOUDFRONT || !strcmp(o.cfg.alg, "RS256");
		if (o.fmt == PPV_FMT_CLOUDFRONT ? o.cfg.alg != NULL : (!rs && strcmp(o.cfg.alg, "ES256")) || o.fmt != PPV_FMT_JWT)
			ppv_die(PPV_ERR, "--alg: RS256 or ES256, with -f jwt");
		if (ppv_pkey_generate(rs ? PPV_PKEY_RSA : PPV_PKEY_P256, pem, sizeof pem))
			ppv_die(PPV_ERR, "--genkey: libcrypto could not make a key");
		/* -o FILE: the private key there (0600), the public key in FILE.pub */
		const char *pub = strstr(pem, "-----BEGIN PUBLIC KEY-----");
		if (o.output) {
			char path[4096];
			snprintf(path, sizeof path, "%s.pub", o.output);
			/* 0600 even over a file that was readable: it holds a private key now */
			if (ppv_atomic_write(o.output, pem, (size_t)(pub - pem), 0600) < 0 || chmod(o.output, 0600) < 0)
				ppv_die(PPV_ERR, "%s:", o.output);
			if (ppv_atomic_write(path, pub, strlen(pub), 0644) < 0)
				ppv_die(PPV_ERR, "%s:", path);
		} else {
			fputs(pem, stdout);
		}
		explicit_bzero(pem, sizeof pem);
		ppv_exit(PPV_OK);
	}
	if (o.genkey)
		genkey(o.fmt < 0 ? PPV_FMT_AKAMAI : o.fmt);
	if (o.audit + o.revoke + o.check > 1)
		ppv_die(PPV_ERR, "--audit, --revoke and -c are different jobs: choose one");
	if (o.audit) {
		out = stdout;
		if (o.output && !(out = ppv_atomic_open(&atomic, o.output, 0644)))
			ppv_die(PPV_ERR, "%s:", o.output);
		rc = audit(&o, argv, argc);
		if (o.output && ppv_atomic_commit(&atomic) < 0)
			ppv_die(PPV_ERR, "%s:", o.output);
		ppv_exit(rc);
	}
	if (o.fmt < 0)
		ppv_doc_usage(&doc);
	if ((o.revoke || o.revoked) && o.fmt != PPV_FMT_NGINX)
		ppv_die(PPV_ERR, "%s: tickets are nginx's (-f nginx)", o.revoke ? "--revoke" : "--revoked");
	if (o.revoked && ppv_revset_load(&revoked, o.revoked, 0, err, sizeof err))
		ppv_die(PPV_ERR, "%s", err);
	o.chk.revoked = o.revoked ? &revoked : NULL;
	if (o.start)
		o.claims.start = parse_time("-s", o.start);
	static const char *const fmtname[] = { "nginx secure_link", "", "", "Cloud CDN", "Fastly", "BunnyCDN", "CloudFront" };
	int simple = o.fmt == PPV_FMT_NGINX || (o.fmt >= PPV_FMT_GCDN && o.fmt != PPV_FMT_CLOUDFRONT);
	if (o.start && simple)
		ppv_die(PPV_ERR, "-s: %s has no start time", fmtname[o.fmt]);
	if (o.nacl && simple)
		ppv_die(PPV_ERR, "-a: %s has no ACL: it signs each PATH%s", fmtname[o.fmt],
		        o.fmt == PPV_FMT_GCDN || o.fmt == PPV_FMT_BUNNY ? " (or a --prefix)" : "");
	if (o.claims.ip && (o.fmt == PPV_FMT_GCDN || o.fmt == PPV_FMT_FASTLY))
		ppv_die(PPV_ERR, "--ip: %s tokens are not bound to an address", fmtname[o.fmt]);
	if (o.cfg.key_name && o.fmt != PPV_FMT_GCDN)
		ppv_die(PPV_ERR, "--key-name: Cloud CDN only (-f gcdn)");
	if (o.cfg.cookies && o.fmt != PPV_FMT_GCDN && o.fmt != PPV_FMT_CLOUDFRONT)
		ppv_die(PPV_ERR, "--cookies: Cloud CDN and CloudFront only");
	if ((o.cfg.key_pair_id || o.cfg.cf_sha256) && o.fmt != PPV_FMT_CLOUDFRONT)
		ppv_die(PPV_ERR, "%s: CloudFront only (-f cloudfront)", o.cfg.key_pair_id ? "--key-pair-id" : "--hash");
	if (o.fmt == PPV_FMT_CLOUDFRONT && !o.check && !o.genkey && !o.cfg.key_pair_id)
		ppv_die(PPV_ERR, "cloudfront: --key-pair-id, the id CloudFront gave the public key, is needed to sign");
	if (o.fmt == PPV_FMT_CLOUDFRONT && o.claims.ip && !o.check) {
		unsigned q[4], m = 32;
		char x;
		int k = sscanf(o.claims.ip, "%3u.%3u.%3u.%3u/%2u%c", &q[0], &q[1], &q[2], &q[3], &m, &x);
		if ((k != 4 && k != 5) || (k == 4 && strchr(o.claims.ip, '/')) || q[0] > 255 || q[1] > 255 ||
		    q[2] > 255 || q[3] > 255 || m > 32)
			ppv_die(PPV_ERR, "--ip: CloudFront takes an IPv4 address or CIDR range, not '%s'", o.claims.ip);
	}
	if (o.fmt == PPV_FMT_CLOUDFRONT && o.nacl > 1)
		ppv_die(PPV_ERR, "-a: CloudFront's policy grants one resource pattern");
	if (o.cfg.url_prefix && o.fmt != PPV_FMT_GCDN && o.fmt != PPV_FMT_BUNNY)
		ppv_die(PPV_ERR, "--prefix: Cloud CDN and BunnyCDN only");
	if (o.cfg.url_prefix && o.fmt == PPV_FMT_BUNNY && o.cfg.url_prefix[0] != '/')
		ppv_die(PPV_ERR, "--prefix: BunnyCDN signs a path prefix, such as /live/ev1/");
	if ((o.cfg.countries || o.cfg.countries_blocked || o.cfg.speed_limit || o.cfg.ignore_params ||
	     o.cfg.bunny_dir) && o.fmt != PPV_FMT_BUNNY)
		ppv_die(PPV_ERR, "--countries, --countries-blocked, --speed-limit, --ignore-params and "
		        "--directory are BunnyCDN's (-f bunny)");
	if (o.expires && o.ttl)
		ppv_die(PPV_ERR, "-e and -t both give the expiry: choose one");
	o.claims.acl = o.acl;
	o.claims.nacl = o.nacl;
	o.claims.issued = o.now;
	o.chk.now = o.now;
	o.chk.leeway = o.leeway;

	int minting = !o.check && !o.revoke;
	int single = argc > 0 || o.nacl || (o.fmt == PPV_FMT_JWT && o.claims.sub);
	if (minting && (single && !o.batch) && expiry(&o, o.expires, o.ttl, o.claims.start,
	                                               &o.claims.expires))
		ppv_die(PPV_ERR, "no expiry: give -e TIME or -t TTL");
	if (minting && o.claims.start >= 0 && o.claims.expires < o.claims.start && single)
		ppv_die(PPV_ERR, "the token would expire before it starts");
	if (minting && o.fmt == PPV_FMT_AKAMAI && !argc && !o.nacl && single)
		ppv_die(PPV_ERR, "akamai needs a PATH (URL token) or -a ACL");
	/* a token grants what it names: one that names nothing is no all-access pass */
	if ((o.cfg.claims || o.cfg.no_iat || o.no_acl) && o.fmt != PPV_FMT_JWT)
		ppv_die(PPV_ERR, "%s: jwt only (-f jwt)", o.cfg.claims ? "--claim" : o.cfg.no_iat ? "--no-iat" : "--no-acl");
	if (o.no_acl && (argc || o.nacl || !o.claims.sub || o.batch))
		ppv_die(PPV_ERR, "--no-acl: the token names its resource in --sub, with no PATH, -a or --batch");
	if (minting && o.fmt == PPV_FMT_JWT && !argc && !o.nacl && single && !o.no_acl)
		ppv_die(PPV_ERR, "jwt needs a PATH (URL token) or -a ACL; -a '/*' for every path; "
		        "--no-acl when --sub names the resource");

	if ((o.cfg.alg || o.cfg.kid) && o.fmt != PPV_FMT_JWT)
		ppv_die(PPV_ERR, "%s: jwt only (-f jwt)", o.cfg.alg ? "--alg" : "--kid");
	int pk = (o.cfg.alg && strcmp(o.cfg.alg, "HS256")) || o.fmt == PPV_FMT_CLOUDFRONT;
	if (o.cfg.kid && !pk)
		ppv_die(PPV_ERR, "--kid: for RS256 and ES256; an HS256 key file names its keys (`KID SECRET`)");
	memset(&keys, 0, sizeof keys);
	if (pk) {
		if (!o.keyfile)
			ppv_die(PPV_ERR, "%s: give the PEM key with -k", o.cfg.alg ? o.cfg.alg : "cloudfront");
		if (!(o.cfg.pkey = ppv_pkey_load(o.keyfile, err, sizeof err)))
			ppv_die(PPV_ERR, "%s", err);
		if (!o.check && !o.revoke && !ppv_pkey_is_private(o.cfg.pkey))
			ppv_die(PPV_ERR, "%s: a public key checks tokens; minting needs the private key", o.keyfile);
	} else {
		ppv_keys_load(&keys, o.keyfile, "PPV_KEY", o.fmt == PPV_FMT_NGINX || o.fmt == PPV_FMT_BUNNY ? PPV_KEY_RAW
		              : o.fmt == PPV_FMT_GCDN || o.fmt == PPV_FMT_FASTLY ? PPV_KEY_B64 : PPV_KEY_HEX);
	}
	if (o.revoke) {
		ppv_revset set = { 0 };
		size_t before;
		/* a revocation stays until its line is taken out: -o adds to what it has */
		if (o.output && ppv_revset_load(&set, o.output, 1, err, sizeof err))
			ppv_die(PPV_ERR, "%s", err);
		before = set.n;
		rc = revoke_rows(&keys, o.chk.path, argv, argc, &set);
		out = stdout;
		if (o.output && !(out = ppv_atomic_open(&atomic, o.output, 0644)))
			ppv_die(PPV_ERR, "%s:", o.output);
		fputs("# tickets nginx refuses, from ppv-mint --revoke; `nginx -s reload` applies them\n", out);
		if (ppv_revset_write(&set, out) || (o.output && ppv_atomic_commit(&atomic) < 0))
			ppv_die(PPV_ERR, "%s:", o.output ? o.output : "stdout");
		if (o.verbose)
			ppv_warn("%zu tickets revoked, %zu of them new", set.n, set.n - before);
		ppv_revset_free(&set);
		ppv_keys_free(&keys);
		ppv_exit(rc);
	}
	o.cfg.fmt = (enum ppv_fmt)o.fmt;
	o.cfg.keys = &keys;
	ppv_signer *s = ppv_signer_new(&o.cfg, err, sizeof err);
	if (!s)
		ppv_die(PPV_ERR, "%s", err);

	out = stdout;
	if (o.output && !(out = ppv_atomic_open(&atomic, o.output, 0644)))
		ppv_die(PPV_ERR, "%s:", o.output);
	/* glibc ignores the size when it is to allocate the buffer itself, and
	 * wrote a million tokens 4 KiB at a time */
	static char obuf[1 << 18];
	if (!isatty(fileno(out)))
		setvbuf(out, obuf, _IOFBF, sizeof obuf);

	rc = PPV_OK;
	if (o.check) {
		rc = check(s, &o, argv, argc);
	} else if (argc && !o.batch) {
		static char full[TOKMAX];
		for (int i = 0; i < argc; i++) {
			ppv_claims cl = o.claims;
			cl.path = target(&o, argv[i], full, sizeof full);
			mint_one(s, &o, &cl, cl.path);
		}
	} else if (single && !o.batch) {
		mint_one(s, &o, &o.claims, NULL);
	} else {
		rc = batch(s, &o);
	}

	ppv_signer_free(s);
	ppv_pkey_free(o.cfg.pkey);
	ppv_keys_free(&keys);
	ppv_revset_free(&revoked);
	free(o.acl);
	if (o.output) {
		if (ppv_atomic_commit(&atomic) < 0)
			ppv_die(PPV_ERR, "%s:", o.output);
	}
	ppv_exit(rc);
}
