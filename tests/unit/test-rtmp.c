/* test-rtmp.c: an ffmpeg publish read whole, then again with reads that would wait and the session
 * handed on where publishing begins: the same media messages, byte for byte. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "rtmp.h"
#include "unit.h"

typedef struct {
	const uint8_t *p;
	size_t n, most;
	int wait;                     /* every other read would wait, once publishing */
	unsigned calls;
} src;

static ssize_t
src_read(void *io, void *buf, size_t n)
{
	src *s = io;

	if (s->wait && s->calls++ % 2 == 0) {
		errno = EAGAIN;
		return -1;
	}
	n = n < s->most ? n : s->most;
	n = n < s->n ? n : s->n;
	memcpy(buf, s->p, n);
	s->p += n;
	s->n -= n;
	return (ssize_t)n;
}

static int
src_write(void *io, const void *buf, size_t n)
{
	(void)io, (void)buf, (void)n;
	return 0;
}

static const char *
auth(void *ctx, const char *key, size_t n, const char **why)
{
	(void)ctx, (void)why;
	return n == 14 && !memcmp(key, "sekrit-key-123", 14) ? "creator" : NULL;
}

/* The media messages' digest (FNV-1a over type, timestamp and bytes), their
 * count, and how many times publishing began; handing on at that point. */
static uint64_t
run(src *s, int hand_on, int *msgs, int *began)
{
	ppv_rtmp_io io = { src_read, src_write, s, "live", auth, NULL };
	ppv_rtmp *r = ppv_rtmp_new(&io);
	ppv_rtmp_msg m;
	uint64_t h = 1469598103934665603ULL;
	int k;

	*msgs = *began = 0;
	while (r && (k = ppv_rtmp_next(r, &m)) > 0) {
		if (k == PPV_RTMP_PUBLISHED) {
			++*began;
			s->wait = s->wait || hand_on;
			if (hand_on) {
				size_t n;
				uint8_t *b = ppv_rtmp_save(r, &n);
				ppv_rtmp_free(r);
				r = b ? ppv_rtmp_resume(&io, b, n) : NULL;
				free(b);
			}
		}
		if (k != PPV_RTMP_MEDIA)
			continue;
		++*msgs;
		uint8_t head[5] = { (uint8_t)m.type, (uint8_t)(m.ts >> 24), (uint8_t)(m.ts >> 16), (uint8_t)(m.ts >> 8),
			            (uint8_t)m.ts };
		for (size_t i = 0; i < sizeof head; i++)
			h = (h ^ head[i]) * 1099511628211ULL;
		for (size_t i = 0; i < m.len; i++)
			h = (h ^ m.data[i]) * 1099511628211ULL;
	}
	ppv_rtmp_free(r);
	return r ? h : 0;
}

UNIT_TEST(test_rtmp_handed_on)
{
	static uint8_t data[64 << 10];
	FILE *f = fopen("tests/fuzz/seeds/fuzz-rtmp/publish-ok", "rb");
	size_t n = f ? fread(data, 1, sizeof data, f) : 0;
	int m1, b1, m2, b2;

	if (f)
		fclose(f);
	CHECK(n == 40000);
	src whole = { data, n, 4096, 0, 0 }, cut = { data, n, 5, 0, 0 };
	uint64_t h1 = run(&whole, 0, &m1, &b1), h2 = run(&cut, 1, &m2, &b2);
	CHECK(m1 > 10 && b1 == 1);
	CHECK(m2 == m1 && b2 == 1);
	CHECK(h1 != 0 && h2 == h1);
}

UNIT_TEST(test_rtmp_resume_refuses)
{
	ppv_rtmp_io io = { src_read, src_write, NULL, "live", auth, NULL };
	uint8_t junk[256] = { 0 };

	CHECK(ppv_rtmp_resume(&io, junk, sizeof junk) == NULL);
	CHECK(ppv_rtmp_resume(&io, junk, 3) == NULL);
	/* a session not yet publishing cannot be handed on */
	ppv_rtmp *r = ppv_rtmp_new(&io);
	size_t n = 1;
	CHECK(r && ppv_rtmp_save(r, &n) == NULL);
	ppv_rtmp_free(r);
}
