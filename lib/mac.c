/* mac.c: HMAC (RFC 2104) over libavutil's hashes, caching the keyed inner and outer states.
 * av_hmac re-hashes both key pads for every message, which is half the work for a short
 * token; copying a saved hash state (av_sha_size, av_md5_size bytes) avoids it. */
#include <libavutil/md5.h>
#include <libavutil/mem.h>
#include <libavutil/sha.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ctcmp.h"
#include "mac.h"

enum { BLOCK = 64 };  /* all three hashes have 64-byte blocks */

struct ppv_mac {
	enum ppv_hash h;
	size_t size, state;
	void *inner, *outer, *work;
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

static void
h_init(enum ppv_hash h, void *ctx)
{
	if (h == PPV_MD5)
		av_md5_init(ctx);
	else
		av_sha_init(ctx, h == PPV_SHA1 ? 160 : 256);
}

static void
h_update(enum ppv_hash h, void *ctx, const void *p, size_t n)
{
	if (h == PPV_MD5)
		av_md5_update(ctx, p, n);
	else
		av_sha_update(ctx, p, n);
}

static void
h_final(enum ppv_hash h, void *ctx, uint8_t *out)
{
	if (h == PPV_MD5)
		av_md5_final(ctx, out);
	else
		av_sha_final(ctx, out);
}

static size_t
state_size(enum ppv_hash h)
{
	return (size_t)(h == PPV_MD5 ? av_md5_size : av_sha_size);
}

void
ppv_hash(enum ppv_hash h, const void *msg, size_t n, uint8_t *out)
{
	union { struct AVSHA *s; struct AVMD5 *m; void *p; } ctx;

	ctx.p = av_malloc(state_size(h));
	if (!ctx.p)
		ppv_die(PPV_ERR, "out of memory");
	h_init(h, ctx.p);
	h_update(h, ctx.p, msg, n);
	h_final(h, ctx.p, out);
	av_free(ctx.p);
}

ppv_mac *
ppv_mac_new(enum ppv_hash h, const uint8_t *key, size_t keylen)
{
	ppv_mac *m = calloc(1, sizeof *m);
	uint8_t k[BLOCK] = { 0 }, pad[BLOCK];

	if (!m)
		ppv_die(PPV_ERR, "out of memory");
	m->h = h;
	m->size = ppv_hash_size(h);
	m->state = state_size(h);
	m->inner = av_malloc(m->state);
	m->outer = av_malloc(m->state);
	m->work = av_malloc(m->state);
	if (!m->inner || !m->outer || !m->work)
		ppv_die(PPV_ERR, "out of memory");
	if (keylen > BLOCK)
		ppv_hash(h, key, keylen, k);
	else if (keylen)
		memcpy(k, key, keylen);
	for (int i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	h_init(h, m->inner);
	h_update(h, m->inner, pad, BLOCK);
	for (int i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	h_init(h, m->outer);
	h_update(h, m->outer, pad, BLOCK);
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
	uint8_t ih[PPV_MAC_MAX];

	memcpy(m->work, m->inner, m->state);
	h_update(m->h, m->work, msg, n);
	h_final(m->h, m->work, ih);
	memcpy(m->work, m->outer, m->state);
	h_update(m->h, m->work, ih, m->size);
	h_final(m->h, m->work, out);
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
	/* the saved states are as good as the key: wipe them */
	explicit_bzero(m->inner, m->state);
	explicit_bzero(m->outer, m->state);
	explicit_bzero(m->work, m->state);
	av_free(m->inner);
	av_free(m->outer);
	av_free(m->work);
	free(m);
}
