/* feed.h: a fuzz input handed to a reader in pieces of at most `most` bytes, so a parser meets its input cut anywhere. */
#ifndef PPV_FUZZ_FEED_H
#define PPV_FUZZ_FEED_H

#include <stdint.h>
#include <string.h>
#include <sys/types.h>

typedef struct {
	const uint8_t *p;
	size_t n, most;
} feed;

static ssize_t
feed_read(void *io, void *buf, size_t n)
{
	feed *f = io;

	if (n > f->most)
		n = f->most;
	if (n > f->n)
		n = f->n;
	memcpy(buf, f->p, n);
	f->p += n;
	f->n -= n;
	return (ssize_t)n;
}

#endif
