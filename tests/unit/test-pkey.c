/* test-pkey.c: RSA and P-256 signatures made and checked, ECDSA's R||S form, keys from files. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pkey.h"
#include "unit.h"

static ppv_pkey *
load(const char *pem, size_t n, mode_t mode)
{
	char path[] = "/tmp/ppv-unit-pkey.XXXXXX", err[256];
	int fd = mkstemp(path);
	ppv_pkey *k;

	if (fd < 0 || write(fd, pem, n) != (ssize_t)n)
		return NULL;
	close(fd);
	chmod(path, mode);
	k = ppv_pkey_load(path, err, sizeof err);
	unlink(path);
	return k;
}

UNIT_TEST(test_pkey)
{
	static char pem[16384];
	uint8_t sig[512];

	for (int t = PPV_PKEY_RSA; t <= PPV_PKEY_P256; t++) {
		CHECK(ppv_pkey_generate((enum ppv_pkey_type)t, pem, sizeof pem) == 0);
		char *pub = strstr(pem, "-----BEGIN PUBLIC KEY-----");
		ppv_pkey *priv = load(pem, (size_t)(pub - pem), 0600);
		ppv_pkey *pk = load(pub, strlen(pub), 0644);
		CHECK(priv && ppv_pkey_is_private(priv) && ppv_pkey_kind(priv) == (enum ppv_pkey_type)t);
		CHECK(pk && !ppv_pkey_is_private(pk));
		/* a private key others may read is refused */
		CHECK(load(pem, (size_t)(pub - pem), 0644) == NULL);
		if (!priv || !pk)
			continue;
		long n = ppv_pkey_sign(priv, PPV_SHA256, "msg", 3, sig, sizeof sig);
		CHECK(n == (t == PPV_PKEY_RSA ? 256 : 64));
		CHECK(ppv_pkey_verify(pk, PPV_SHA256, "msg", 3, sig, (size_t)n));
		CHECK(!ppv_pkey_verify(pk, PPV_SHA256, "msh", 3, sig, (size_t)n));
		sig[n - 1] ^= 1;
		CHECK(!ppv_pkey_verify(pk, PPV_SHA256, "msg", 3, sig, (size_t)n));
		/* DER, CloudFront's ECDSA form (a SEQUENCE); RSA's signature is the same either way */
		n = ppv_pkey_sign_der(priv, PPV_SHA1, "msg", 3, sig, sizeof sig);
		CHECK(t == PPV_PKEY_RSA ? n == 256 : (n >= 8 && n <= 72 && sig[0] == 0x30));
		CHECK(ppv_pkey_verify_der(pk, PPV_SHA1, "msg", 3, sig, (size_t)n));
		CHECK(!ppv_pkey_verify_der(pk, PPV_SHA256, "msg", 3, sig, (size_t)n));
		CHECK(t == PPV_PKEY_RSA || !ppv_pkey_verify(pk, PPV_SHA1, "msg", 3, sig, (size_t)n));
		/* a public key signs nothing */
		CHECK(ppv_pkey_sign(pk, PPV_SHA256, "msg", 3, sig, sizeof sig) == -1);
		ppv_pkey_free(priv);
		ppv_pkey_free(pk);
	}
	CHECK(load("not a key", 9, 0600) == NULL);
}
