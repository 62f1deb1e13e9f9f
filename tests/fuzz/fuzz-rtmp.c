/* fuzz-rtmp.c: libFuzzer target for the RTMP session and AMF0 reader: bytes as a publisher sends them,
 * the session handed on (saved and resumed) where it begins publishing, as ppv-ingest does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "feed.h"
#include "rtmp.h"

static int
wr(void *io, const void *buf, size_t n)
{
	(void)io, (void)buf, (void)n;
	return 0;
}

static const char *
auth(void *ctx, const char *key, size_t n, const char **why)
{
	(void)ctx;
	if (n == 5 && !memcmp(key, "taken", 5))
		*why = "another creator is live here";
	return n == 3 && !memcmp(key, "key", 3) ? "creator" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	feed f = { data, size, 7 };   /* small reads, so state survives being cut anywhere */
	ppv_rtmp_io io = { feed_read, wr, &f, "live", auth, NULL };
	ppv_rtmp *r = ppv_rtmp_new(&io);
	ppv_rtmp_msg m;
	int k;

	while ((k = ppv_rtmp_next(r, &m)) == PPV_RTMP_MEDIA || k == PPV_RTMP_PUBLISHED) {
		if (k == PPV_RTMP_PUBLISHED) {
			size_t n;
			uint8_t *b = ppv_rtmp_save(r, &n);
			ppv_rtmp_free(r);
			r = b ? ppv_rtmp_resume(&io, b, n) : NULL;
			free(b);
			if (!r)
				__builtin_trap();   /* a session just published is always handed on */
			continue;
		}
		if (m.len && m.data[0] == 0xFF && m.data[m.len - 1] == 0xFE)
			;  /* touch both ends of every message */
	}
	ppv_rtmp_free(r);
	return 0;
}
