/* tsmux.c: MPEG-TS out by hand for ppv-ingest's FLV path: one program, H.264 on PID 0x100,
 * audio on 0x101, PCR on the video PID, PAT and PMT before every keyframe (a segment cut
 * there starts with them), packets gathered into one write of up to 64 KiB. */
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "ts.h"
#include "tsmux.h"

enum { PMT_PID = 0x1000, VIDEO_PID = 0x100, AUDIO_PID = 0x101, OUT = 1394 * 188 /* 256 KiB: a live burst in one write */,
       PCR_DELAY = 63000 /* the PCR runs 0.7 s behind the DTS, as FFmpeg's */ };

struct ppv_tsmux {
	int audio_type;
	ppv_tsmux_write w;
	void *ctx;
	uint8_t cc_pat, cc_pmt, cc[2];
	int disc[2], tables;          /* marks to set: per PID, and tables to send */
	uint8_t out[OUT];
	size_t n;
	uint64_t bytes;
	int failed;
};

static uint8_t *
packet(ppv_tsmux *m)
{
	if (m->n == OUT && ppv_tsmux_flush(m) < 0)
		return NULL;
	uint8_t *p = m->out + m->n;
	m->n += 188;
	return p;
}

/* A PSI section in a packet of its own: pointer field, section, CRC, stuffing. */
static int
section(ppv_tsmux *m, int pid, uint8_t *cc, const uint8_t *s, size_t n)
{
	uint8_t *p = packet(m);

	if (!p)
		return -1;
	p[0] = 0x47;
	p[1] = (uint8_t)(0x40 | pid >> 8);
	p[2] = (uint8_t)pid;
	p[3] = (uint8_t)(0x10 | (*cc)++ % 16);
	*cc %= 16;
	p[4] = 0;
	memcpy(p + 5, s, n);
	ppv_put_be(p + 5 + n, ppv_crc32_mpeg(s, n), 4);
	memset(p + 9 + n, 0xff, 188 - 9 - n);
	return 0;
}

static int
tables(ppv_tsmux *m)
{
	uint8_t pat[] = { 0x00, 0xb0, 13, 0, 1, 0xc1, 0, 0, 0, 1, 0xe0 | PMT_PID >> 8, PMT_PID & 0xff };
	uint8_t pmt[32];
	size_t k = 0;

	pmt[k++] = 0x02;
	k += 2;   /* section length, below */
	pmt[k++] = 0, pmt[k++] = 1, pmt[k++] = 0xc1, pmt[k++] = 0, pmt[k++] = 0;
	pmt[k++] = 0xe0 | VIDEO_PID >> 8, pmt[k++] = VIDEO_PID & 0xff;   /* PCR PID */
	pmt[k++] = 0xf0, pmt[k++] = 0;
	pmt[k++] = PPV_TSMUX_H264, pmt[k++] = 0xe0 | VIDEO_PID >> 8, pmt[k++] = VIDEO_PID & 0xff;
	pmt[k++] = 0xf0, pmt[k++] = 0;
	if (m->audio_type) {
		pmt[k++] = (uint8_t)m->audio_type, pmt[k++] = 0xe0 | AUDIO_PID >> 8, pmt[k++] = AUDIO_PID & 0xff;
		pmt[k++] = 0xf0, pmt[k++] = 0;
	}
	pmt[1] = (uint8_t)(0xb0 | (k + 4 - 3) >> 8);
	pmt[2] = (uint8_t)(k + 4 - 3);
	m->tables = 0;
	return section(m, 0, &m->cc_pat, pat, sizeof pat) < 0 || section(m, PMT_PID, &m->cc_pmt, pmt, k) < 0 ? -1 : 0;
}

static void
timestamp(uint8_t *p, int marker, int64_t t)
{
	t &= (INT64_C(1) << 33) - 1;
	p[0] = (uint8_t)(marker << 4 | (t >> 29 & 0x0e) | 1);
	p[1] = (uint8_t)(t >> 22);
	p[2] = (uint8_t)(t >> 14 | 1);
	p[3] = (uint8_t)(t >> 7);
	p[4] = (uint8_t)(t << 1 | 1);
}

ppv_tsmux *
ppv_tsmux_new(int audio_type, ppv_tsmux_write w, void *ctx)
{
	ppv_tsmux *m = calloc(1, sizeof *m);

	if (!m)
		return NULL;
	m->audio_type = audio_type;
	m->w = w;
	m->ctx = ctx;
	m->tables = 1;
	return m;
}

int
ppv_tsmux_put(ppv_tsmux *m, int video, int64_t pts, int64_t dts, int key,
              const uint8_t *prefix, size_t pn, const uint8_t *data, size_t n)
{
	uint8_t h[19];
	size_t hn = 0;
	int pid = video ? VIDEO_PID : AUDIO_PID, i = !video, first = 1;

	if (m->failed || ((key || m->tables) && tables(m) < 0))
		return -1;
	/* the PES header: start code, stream id, length (0 for video: unbounded) */
	h[hn++] = 0, h[hn++] = 0, h[hn++] = 1, h[hn++] = video ? 0xe0 : 0xc0;
	int both = pts != dts;
	size_t plen = 3 + (both ? 10 : 5) + pn + n;
	ppv_put_be(h + hn, !video && plen <= 0xffff ? (uint32_t)plen : 0, 2), hn += 2;
	h[hn++] = 0x80;
	h[hn++] = both ? 0xc0 : 0x80;
	h[hn++] = both ? 10 : 5;
	timestamp(h + hn, both ? 3 : 2, pts), hn += 5;
	if (both)
		timestamp(h + hn, 1, dts), hn += 5;

	const uint8_t *seg[3] = { h, prefix, data };
	size_t len[3] = { hn, pn, n }, off = 0, total = hn + pn + n, sent = 0;
	int s = 0;
	while (sent < total) {
		uint8_t *p = packet(m), af[8];
		size_t an = 0;   /* adaptation field bytes after its length byte */
		if (!p)
			return -1;
		if (first && (video || m->disc[i])) {
			af[an++] = (uint8_t)((m->disc[i] ? 0x80 : 0) | (key ? 0x40 : 0) | (video ? 0x10 : 0));
			if (video) {
				int64_t pcr = dts - PCR_DELAY > 0 ? dts - PCR_DELAY : 0;
				af[an++] = (uint8_t)(pcr >> 25), af[an++] = (uint8_t)(pcr >> 17);
				af[an++] = (uint8_t)(pcr >> 9), af[an++] = (uint8_t)(pcr >> 1);
				af[an++] = (uint8_t)((pcr & 1) << 7 | 0x7e), af[an++] = 0;
			}
			m->disc[i] = 0;
		}
		size_t room = 184 - (an ? an + 1 : 0), left = total - sent;
		size_t stuff = left < room ? room - left : 0;
		p[0] = 0x47;
		p[1] = (uint8_t)((first ? 0x40 : 0) | pid >> 8);
		p[2] = (uint8_t)pid;
		p[3] = (uint8_t)((an || stuff ? 0x30 : 0x10) | m->cc[i]);
		m->cc[i] = (m->cc[i] + 1) & 15;
		uint8_t *q = p + 4;
		/* the last packet of a PES is filled out by its adaptation field */
		if (an) {
			*q++ = (uint8_t)(an + stuff);
			memcpy(q, af, an);
			memset(q + an, 0xff, stuff);
			q += an + stuff;
		} else if (stuff == 1) {
			*q++ = 0;
		} else if (stuff) {
			*q++ = (uint8_t)(stuff - 1);
			*q++ = 0;
			memset(q, 0xff, stuff - 2);
			q += stuff - 2;
		}
		/* from the header, the prefix and the data, in order */
		for (size_t take = (size_t)(p + 188 - q); take;) {
			while (off == len[s])
				s++, off = 0;
			size_t c = len[s] - off < take ? len[s] - off : take;
			memcpy(q, seg[s] + off, c);
			q += c, off += c, take -= c, sent += c;
		}
		first = 0;
	}
	return 0;
}

void
ppv_tsmux_discontinuity(ppv_tsmux *m)
{
	m->disc[0] = m->disc[1] = 1;
	m->tables = 1;
}

int
ppv_tsmux_flush(ppv_tsmux *m)
{
	if (m->failed)
		return -1;
	if (m->n && m->w(m->ctx, m->out, m->n) < 0) {
		m->failed = 1;
		return -1;
	}
	m->bytes += m->n;
	m->n = 0;
	return 0;
}

uint64_t
ppv_tsmux_bytes(const ppv_tsmux *m)
{
	return m->bytes + m->n;
}

void
ppv_tsmux_free(ppv_tsmux *m)
{
	free(m);
}
