/* mac.c: HMAC (RFC 2104) on libcrypto's digests, the keyed inner and outer states computed once.
 * libcrypto rather than libavutil: its SHA-256 uses the CPU's SHA extensions (~50 ns a block
 * here against ~270 ns), which is what lets a token cost less than a microsecond; and a
 * saved digest state, copied per message, saves re-hashing both key pads every time. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ctcmp.h"
#include "mac.h"

enum { BLOCK = 64 };  /* all three hashes have 64-byte blocks */

struct ppv_mac {
	const EVP_MD *md;
	size_t size;
	EVP_MD_CTX *inner, *outer, *work;
};

int
ppv_hash_byname(const char *name)
{
	if (!strcmp(name, "md5"))
		return PPV_MD5;
	if (!strcmp(name, "sha1"))
		return PPV_SHA1;
	if (!strcmp(name, "sha256"))
		return PPV_SHA256;
	return -1;
}

size_t
ppv_hash_size(enum ppv_hash h)
{
	return h == PPV_MD5 ? 16 : h == PPV_SHA1 ? 20 : 32;
}

/* Fetched once: EVP_md5() and its kin are looked up again, under a lock, at
 * every digest's start. Kept for the life of the process. */
const EVP_MD *
ppv_evp_md(enum ppv_hash h)
{
	static EVP_MD *md[3];
	static const char *const name[3] = { "MD5", "SHA1", "SHA256" };

	if (!md[h] && !(md[h] = EVP_MD_fetch(NULL, name[h], NULL)))
		ppv_die(PPV_ERR, "libcrypto: no %s", name[h]);
	return md[h];
}

static void
digest(EVP_MD_CTX *c, const void *p, size_t n)
{
	if (!EVP_DigestUpdate(c, p, n))
		ppv_die(PPV_ERR, "libcrypto: digest failed");
}

/* OpenSSL 3 looks the algorithm up under a lock and allocates a context on
 * every EVP_Digest; for a hash a token, as nginx's MD5, that was a third of
 * the cost. The context is kept (no caller in lib/ hashes from two threads). */
void
ppv_hash(enum ppv_hash h, const void *msg, size_t n, uint8_t *out)
{
	static EVP_MD_CTX *c;

	if (!c && !(c = EVP_MD_CTX_new()))
		ppv_die(PPV_ERR, "out of memory");
	if (!EVP_DigestInit_ex2(c, ppv_evp_md(h), NULL) || !EVP_DigestUpdate(c, msg, n) ||
	    !EVP_DigestFinal_ex(c, out, NULL))
		ppv_die(PPV_ERR, "libcrypto: digest failed");
}

ppv_mac *
ppv_mac_new(enum ppv_hash h, const uint8_t *key, size_t keylen)
{
	ppv_mac *m = ppv_xcalloc(1, sizeof *m);
	uint8_t k[BLOCK] = { 0 }, pad[BLOCK];

	m->md = ppv_evp_md(h);
	m->size = ppv_hash_size(h);
	m->inner = EVP_MD_CTX_new();
	m->outer = EVP_MD_CTX_new();
	m->work = EVP_MD_CTX_new();
	if (!m->inner || !m->outer || !m->work)
		ppv_die(PPV_ERR, "out of memory");
	if (keylen > BLOCK)
		ppv_hash(h, key, keylen, k);
	else if (keylen)
		memcpy(k, key, keylen);
	for (int i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	if (!EVP_DigestInit_ex(m->inner, m->md, NULL))
		ppv_die(PPV_ERR, "libcrypto: digest failed");
	digest(m->inner, pad, BLOCK);
	for (int i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	if (!EVP_DigestInit_ex(m->outer, m->md, NULL))
		ppv_die(PPV_ERR, "libcrypto: digest failed");
	digest(m->outer, pad, BLOCK);
	explicit_bzero(k, sizeof k);
	explicit_bzero(pad, sizeof pad);
	return m;
}

size_t
ppv_mac_size(const ppv_mac *m)
{
	return m->size;
}

void
ppv_mac_sign(ppv_mac *m, const void *msg, size_t n, uint8_t *out)
{
	ppv_mac_signv(m, &msg, &n, 1, out);
}

void
ppv_mac_signv(ppv_mac *m, const void *const *msg, const size_t *n, size_t parts, uint8_t *out)
{
	uint8_t ih[PPV_MAC_MAX];

	if (!EVP_MD_CTX_copy_ex(m->work, m->inner))
		ppv_die(PPV_ERR, "libcrypto: digest failed");
	for (size_t i = 0; i < parts; i++)
		digest(m->work, msg[i], n[i]);
	EVP_DigestFinal_ex(m->work, ih, NULL);
	if (!EVP_MD_CTX_copy_ex(m->work, m->outer))
		ppv_die(PPV_ERR, "libcrypto: digest failed");
	digest(m->work, ih, m->size);
	EVP_DigestFinal_ex(m->work, out, NULL);
}

int
ppv_mac_verify(ppv_mac *m, const void *msg, size_t n, const uint8_t *mac, size_t maclen)
{
	uint8_t want[PPV_MAC_MAX];

	if (maclen != m->size)
		return 0;
	ppv_mac_sign(m, msg, n, want);
	return ppv_ct_equal(want, mac, m->size);
}

void
ppv_mac_free(ppv_mac *m)
{
	if (!m)
		return;
	/* EVP_MD_CTX_free cleanses the saved states, which are as good as the key */
	EVP_MD_CTX_free(m->inner);
	EVP_MD_CTX_free(m->outer);
	EVP_MD_CTX_free(m->work);
	free(m);
}
