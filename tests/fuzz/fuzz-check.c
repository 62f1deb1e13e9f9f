/* fuzz-check.c: libFuzzer target for the check-mode parser: any line, every format, nginx also with the token in the path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "keys.h"
#include "token.h"

static ppv_signer *signers[4];
static ppv_keyring ring;

static void
init(void)
{
	static uint8_t secret[32] = "0123456789abcdef0123456789abcdef";

	ring.n = 1;
	ring.v = calloc(1, sizeof *ring.v);
	strcpy(ring.v[0].kid, "k1");
	ring.v[0].secret = secret;
	ring.v[0].len = sizeof secret;
	for (int f = 0; f < 3; f++) {
		ppv_tokcfg cfg = { .fmt = (enum ppv_fmt)f, .algo = PPV_SHA256, .keys = &ring,
		                   .salt = f == PPV_FMT_AKAMAI ? "pepper" : NULL };
		char err[256];
		signers[f] = ppv_signer_new(&cfg, err, sizeof err);
		if (!signers[f])
			abort();
	}
	ppv_tokcfg pcfg = { .fmt = PPV_FMT_NGINX, .keys = &ring, .token_path = "/t/",
	                    .nginx_expr = "$secure_link_expires$ppv_dir $secret" };
	char err[256];
	if (!(signers[3] = ppv_signer_new(&pcfg, err, sizeof err)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ppv_checkopt o = { .now = 1700000000, .leeway = 5, .ip = "127.0.0.1", .aud = "ppv" };

	if (!signers[0])
		init();
	if (size < 1)
		return 0;
	/* the first byte picks the format (3: nginx, token in the path) and
	 * whether a --path is given */
	int f = data[0] & 8 ? 3 : data[0] % 3;
	o.path = data[0] & 4 ? "/live/ev1/index.m3u8" : NULL;
	char *line = malloc(size);
	memcpy(line, data + 1, size - 1);
	enum ppv_verdict v = ppv_check(signers[f], &o, line, size - 1);
	free(line);
	if (v > PPV_TOK_MALFORMED)
		abort();
	return 0;
}
