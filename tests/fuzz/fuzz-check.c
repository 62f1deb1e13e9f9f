/* fuzz-check.c: libFuzzer target for the check-mode parser: any line, every format, nginx also with the token in the path
 * and with a ticket, Cloud CDN also with its cookie, Fastly, BunnyCDN, CloudFront. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "keys.h"
#include "pkey.h"
#include "token.h"

static ppv_signer *signers[9];
static ppv_revset revoked;
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
	pcfg.nginx_expr = "$secure_link_expires$ppv_dir$ppv_ticket $secret";
	if (!(signers[4] = ppv_signer_new(&pcfg, err, sizeof err)))
		abort();
	/* Cloud CDN's keys are 16 bytes */
	static ppv_keyring g;
	static ppv_key gk = { "k1", secret, 16 };
	g.n = 1, g.v = &gk;
	ppv_tokcfg gcfg = { .fmt = PPV_FMT_GCDN, .keys = &g };
	if (!(signers[5] = ppv_signer_new(&gcfg, err, sizeof err)))
		abort();
	ppv_tokcfg fcfg = { .fmt = PPV_FMT_FASTLY, .keys = &ring };
	if (!(signers[6] = ppv_signer_new(&fcfg, err, sizeof err)))
		abort();
	ppv_tokcfg bcfg = { .fmt = PPV_FMT_BUNNY, .keys = &ring };
	if (!(signers[7] = ppv_signer_new(&bcfg, err, sizeof err)))
		abort();
	ppv_revset_add(&revoked, 0x0123456789abcdefULL);
	/* CloudFront checks with a public RSA key, from a file as ppv-mint loads it */
	static char pem[16384];
	char path[] = "/tmp/fuzz-check-cf.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || ppv_pkey_generate(PPV_PKEY_RSA, pem, sizeof pem))
		abort();
	const char *pub = strstr(pem, "-----BEGIN PUBLIC KEY-----");
	if (write(fd, pub, strlen(pub)) < 0)
		abort();
	close(fd);
	ppv_tokcfg ccfg = { .fmt = PPV_FMT_CLOUDFRONT, .keys = &ring, .pkey = ppv_pkey_load(path, err, sizeof err) };
	unlink(path);
	if (!ccfg.pkey || !(signers[8] = ppv_signer_new(&ccfg, err, sizeof err)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ppv_checkopt o = { .now = 1700000000, .leeway = 5, .ip = "127.0.0.1", .aud = "ppv", .revoked = &revoked };

	if (!signers[0])
		init();
	if (size < 1)
		return 0;
	/* the first byte's low bits pick the format (3: nginx, token in the path;
	 * 4: and a ticket; 5: gcdn; 6: fastly; 7: bunny; 8: cloudfront), 16 a --path */
	int f = (data[0] & 15) % 9;
	o.path = data[0] & 16 ? (f == 5 ? "http://h/live/ev1/index.m3u8" : "/live/ev1/index.m3u8") : NULL;
	char *line = malloc(size);
	memcpy(line, data + 1, size - 1);
	enum ppv_verdict v = ppv_check(signers[f], &o, line, size - 1);
	free(line);
	if (v > PPV_TOK_MALFORMED)
		abort();
	return 0;
}
