/* token.h: mint and check paywall tokens byte-compatible with nginx secure_link, Akamai EdgeAuth, JWT HS256,
 * Google Cloud CDN signed URLs and cookies, Fastly and BunnyCDN tokens, CloudFront signed URLs and cookies. */
#ifndef PPV_TOKEN_H
#define PPV_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "mac.h"
#include "pkey.h"
#include "ticket.h"

enum ppv_fmt { PPV_FMT_NGINX, PPV_FMT_AKAMAI, PPV_FMT_JWT, PPV_FMT_GCDN, PPV_FMT_FASTLY, PPV_FMT_BUNNY, PPV_FMT_CLOUDFRONT };

enum ppv_verdict {
	PPV_TOK_OK,
	PPV_TOK_EXPIRED,
	PPV_TOK_NOT_YET_VALID,
	PPV_TOK_BAD_SIGNATURE,
	PPV_TOK_ACL_MISMATCH,
	PPV_TOK_UNKNOWN_KEY,
	PPV_TOK_REVOKED,
	PPV_TOK_MALFORMED,
};

typedef struct {
	enum ppv_fmt fmt;
	enum ppv_hash algo;       /* akamai: sha256 (default), sha1, md5 */
	const char *nginx_expr;   /* NULL: nginx's documented default */
	const char *salt;         /* akamai */
	const char *token_name;   /* query parameter; NULL: __token__ or token */
	const char *token_path;   /* nginx: the token in the path, after this prefix */
	int escape_early;         /* akamai: URL-escape ip, id, data and url first */
	const char *key_name;     /* gcdn: KeyName of a key line without one */
	const char *url_prefix;   /* gcdn: sign this URL prefix (URLPrefix=); bunny: this path's */
	int cookies;              /* gcdn: mint the Cloud-CDN-Cookie */
	const char *countries, *countries_blocked; /* bunny: token_countries[_blocked] */
	int64_t speed_limit;      /* bunny: limit, kB/s */
	int ignore_params;        /* bunny: token_ignore_params */
	int bunny_dir;            /* bunny: the token as a directory, /bcdn_token=.../PATH */
	const ppv_keyring *keys;  /* the first key signs; all of them verify */
	const char *alg;          /* jwt: NULL or "HS256", "RS256", "ES256" */
	ppv_pkey *pkey;           /* jwt RS256 and ES256: the key, in place of keys */
	const char *kid;          /* jwt RS256 and ES256: the key's id in the header */
	const char *claims;       /* jwt: more members, `"name":value,...`, valid JSON */
	int no_iat;               /* jwt: no iat (Mux's tokens carry none) */
	const char *key_pair_id;  /* cloudfront: Key-Pair-Id (the public key's id) */
	int cf_sha256;            /* cloudfront: SHA-256 rather than SHA-1 */
} ppv_tokcfg;

typedef struct {
	int64_t start;            /* -1: none (akamai st, jwt nbf) */
	int64_t expires;
	int64_t issued;           /* jwt iat */
	const char *ip, *id, *data, *sub, *aud;
	const char *const *acl;
	size_t nacl;
	const char *path;         /* the resource; may carry a query string */
} ppv_claims;

typedef struct {
	int64_t now, leeway;
	const char *path;         /* used when the line is not a URL */
	const char *ip;
	const char *aud;
	const ppv_revset *revoked; /* nginx tickets taken back; NULL: none */
} ppv_checkopt;

typedef struct ppv_signer ppv_signer;

int ppv_fmt_byname(const char *name);
const char *ppv_verdict_name(enum ppv_verdict v);

/* NULL with a message in err (a usage error) when cfg cannot work. */
ppv_signer *ppv_signer_new(const ppv_tokcfg *cfg, char *err, size_t errlen);
void ppv_signer_free(ppv_signer *s);

/* The token; -1 when it would not fit in cap or a claim cannot be encoded.
 * With $ppv_ticket in the nginx expression it ends `&ticket=TICKET`. */
long ppv_mint(ppv_signer *s, const ppv_claims *c, char *out, size_t cap);
/* path + '?' + the token's query parameter(s), prefixed with base (may be NULL;
 * for gcdn, path is the whole URL, base NULL);
 * with token_path, base + prefix + /MD5/EXPIRES[/TICKET] + path. */
long ppv_mint_url(ppv_signer *s, const char *base, const char *path, const char *token,
                  size_t tn, char *out, size_t cap);
/* A token, `name=token`, a query string or a URL carrying the token. */
enum ppv_verdict ppv_check(ppv_signer *s, const ppv_checkopt *o, const char *line, size_t n);

#endif
