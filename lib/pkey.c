/* pkey.c: RSA and ECDSA P-256 signatures through libcrypto's EVP interface; JOSE's ECDSA signature is the
 * raw R||S pair and CloudFront's is DER, so the two are converted both ways here, and only here. */
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "keys.h"
#include "pkey.h"

struct ppv_pkey {
	EVP_PKEY *k;
	enum ppv_pkey_type t;
	int priv;
};

ppv_pkey *
ppv_pkey_load(const char *path, char *err, size_t cap)
{
	char *buf;
	size_t len;
	int owner_only;
	ppv_pkey *k;

	if (ppv_keys_slurp(path, 0, &buf, &len, &owner_only, err, cap))
		return NULL;
	BIO *b = BIO_new_mem_buf(buf, (int)len);
	EVP_PKEY *pk = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
	int priv = pk != NULL;
	if (!pk && b) {
		BIO_free(b);
		b = BIO_new_mem_buf(buf, (int)len);
		pk = b ? PEM_read_bio_PUBKEY(b, NULL, NULL, NULL) : NULL;
	}
	BIO_free(b);
	explicit_bzero(buf, len);
	free(buf);
	if (!pk) {
		ppv_errf(err, cap, "%s: not a PEM private or public key", path);
		return NULL;
	}
	if (priv && !owner_only) {
		EVP_PKEY_free(pk);
		ppv_errf(err, cap, "%s: private key file is accessible by group or others; run: chmod 600 %s",
		         path, path);
		return NULL;
	}
	int id = EVP_PKEY_get_base_id(pk);
	char group[64] = "";
	size_t gl = 0;
	if (id == EVP_PKEY_EC)
		EVP_PKEY_get_utf8_string_param(pk, "group", group, sizeof group, &gl);
	if (id != EVP_PKEY_RSA && !(id == EVP_PKEY_EC && !strcmp(group, "prime256v1"))) {
		EVP_PKEY_free(pk);
		ppv_errf(err, cap, "%s: an RSA or an EC P-256 key is needed", path);
		return NULL;
	}
	if (id == EVP_PKEY_RSA && EVP_PKEY_get_bits(pk) < 2048) {
		EVP_PKEY_free(pk);
		ppv_errf(err, cap, "%s: RSA keys of less than 2048 bits are refused", path);
		return NULL;
	}
	k = ppv_xcalloc(1, sizeof *k);
	k->k = pk;
	k->t = id == EVP_PKEY_RSA ? PPV_PKEY_RSA : PPV_PKEY_P256;
	k->priv = priv;
	return k;
}

enum ppv_pkey_type
ppv_pkey_kind(const ppv_pkey *k)
{
	return k->t;
}

int
ppv_pkey_is_private(const ppv_pkey *k)
{
	return k->priv;
}

/* der: ECDSA's signature as DER (CloudFront's), not R||S (JOSE's) */
static long
sign(ppv_pkey *k, enum ppv_hash h, const void *msg, size_t n, uint8_t *sig, size_t cap, int der)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint8_t d[160];
	size_t sl = k->t == PPV_PKEY_RSA || der ? cap : sizeof d;
	long rc = -1;

	if (!c || !k->priv)
		goto out;
	if (EVP_DigestSignInit(c, NULL, ppv_evp_md(h), NULL, k->k) != 1 ||
	    EVP_DigestSign(c, k->t == PPV_PKEY_RSA || der ? sig : d, &sl, msg, n) != 1)
		goto out;
	if (k->t == PPV_PKEY_RSA || der) {
		rc = (long)sl;
		goto out;
	}
	const uint8_t *p = d;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)sl);
	const BIGNUM *r, *s;
	if (!es || cap < 64)
		goto ecout;
	ECDSA_SIG_get0(es, &r, &s);
	if (BN_bn2binpad(r, sig, 32) == 32 && BN_bn2binpad(s, sig + 32, 32) == 32)
		rc = 64;
ecout:
	ECDSA_SIG_free(es);
out:
	EVP_MD_CTX_free(c);
	return rc;
}

long
ppv_pkey_sign(ppv_pkey *k, enum ppv_hash h, const void *msg, size_t n, uint8_t *sig, size_t cap)
{
	return sign(k, h, msg, n, sig, cap, 0);
}

long
ppv_pkey_sign_der(ppv_pkey *k, enum ppv_hash h, const void *msg, size_t n, uint8_t *sig, size_t cap)
{
	return sign(k, h, msg, n, sig, cap, 1);
}

static int
verify(ppv_pkey *k, enum ppv_hash h, const void *msg, size_t n, const uint8_t *sig, size_t sn, int der)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint8_t *d = NULL;
	int ok = 0, dn;

	if (!c)
		return 0;
	if (k->t == PPV_PKEY_P256 && !der) {
		/* R||S, each 32 bytes: JOSE's only spelling */
		ECDSA_SIG *es = sn == 64 ? ECDSA_SIG_new() : NULL;
		BIGNUM *r = es ? BN_bin2bn(sig, 32, NULL) : NULL, *s = es ? BN_bin2bn(sig + 32, 32, NULL) : NULL;
		if (!es || !r || !s || ECDSA_SIG_set0(es, r, s) != 1) {
			BN_free(r);
			BN_free(s);
			ECDSA_SIG_free(es);
			EVP_MD_CTX_free(c);
			return 0;
		}
		dn = i2d_ECDSA_SIG(es, &d);
		ECDSA_SIG_free(es);
		if (dn <= 0) {
			EVP_MD_CTX_free(c);
			return 0;
		}
		sig = d, sn = (size_t)dn;
	}
	ok = EVP_DigestVerifyInit(c, NULL, ppv_evp_md(h), NULL, k->k) == 1 && EVP_DigestVerify(c, sig, sn, msg, n) == 1;
	OPENSSL_free(d);
	EVP_MD_CTX_free(c);
	return ok;
}

int
ppv_pkey_verify(ppv_pkey *k, enum ppv_hash h, const void *msg, size_t n, const uint8_t *sig, size_t sn)
{
	return verify(k, h, msg, n, sig, sn, 0);
}

int
ppv_pkey_verify_der(ppv_pkey *k, enum ppv_hash h, const void *msg, size_t n, const uint8_t *sig, size_t sn)
{
	return verify(k, h, msg, n, sig, sn, 1);
}

void
ppv_pkey_free(ppv_pkey *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->k);
	free(k);
}

int
ppv_pkey_generate(enum ppv_pkey_type t, char *out, size_t cap)
{
	EVP_PKEY *k = t == PPV_PKEY_RSA ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;
	int rc = -1;

	if (k && b && PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL) == 1 &&
	    PEM_write_bio_PUBKEY(b, k) == 1 && (n = BIO_get_mem_data(b, &p)) > 0 && (size_t)n < cap) {
		memcpy(out, p, (size_t)n);
		out[n] = '\0';
		rc = 0;
	}
	BIO_free(b);
	EVP_PKEY_free(k);
	return rc;
}
