/* segout.c: the open segment's bytes, buffered and, when the run encrypts, AES-128-CBC as a stream. */
#include "segint.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavutil/aes.h>

#include "cli.h"

/* Segments reach their hidden temporary file in large writes: audio moved
 * to its video's segment comes a packet at a time. */
enum { OBUF = 1 << 18, EBUF = PPV_SEG_EBUF };

static void
out(struct segmenter *s, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(s->fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			/* the last good playlist stays: it names only whole segments */
			unlink(s->tmp);
			ppv_die(PPV_ERR, "%s:", s->tmp);
		}
		p += w;
		n -= (size_t)w;
	}
}

static void
raw_write(struct segmenter *s, const uint8_t *p, size_t n)
{
	if (!s->obuf)
		s->obuf = ppv_xrealloc(NULL, OBUF);
	if (s->nobuf + n > OBUF) {
		out(s, s->obuf, s->nobuf);
		s->nobuf = 0;
	}
	if (n >= OBUF) {
		out(s, p, n);
		return;
	}
	memcpy(s->obuf + s->nobuf, p, n);
	s->nobuf += n;
}

void
ppv_seg_write(struct segmenter *s, const uint8_t *p, size_t n)
{
	s->bytes += n;
	if (!s->aes) {
		raw_write(s, p, n);
		return;
	}
	while (n) {
		size_t take = n < EBUF - 16 ? n : EBUF - 16;
		memcpy(s->ebuf, s->carry, s->ncarry);
		memcpy(s->ebuf + s->ncarry, p, take);
		size_t have = s->ncarry + take, whole = have & ~(size_t)15;
		s->ncarry = have - whole;
		memcpy(s->carry, s->ebuf + whole, s->ncarry);
		if (whole) {
			av_aes_crypt(s->aes, s->ebuf, s->ebuf, (int)(whole / 16), s->iv, 0);
			raw_write(s, s->ebuf, whole);
		}
		p += take;
		n -= take;
	}
}

void
ppv_seg_flush(struct segmenter *s)
{
	if (s->aes) {
		/* PKCS#7: always a padding block's worth, 1 to 16 bytes */
		uint8_t pad = (uint8_t)(16 - s->ncarry);
		memset(s->carry + s->ncarry, pad, pad);
		av_aes_crypt(s->aes, s->ebuf, s->carry, 1, s->iv, 0);
		raw_write(s, s->ebuf, 16);
		s->ncarry = 0;
	}
	out(s, s->obuf, s->nobuf);
	s->nobuf = 0;
}
