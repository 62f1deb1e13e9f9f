/* ts.c: MPEG-TS packets: header fields, PSI sections reassembled per PID, PAT/PMT and PES timestamps. */
#include "ts.h"

#include <inttypes.h>
#include <string.h>

#include <libavutil/bswap.h>
#include <libavutil/crc.h>

#include "bytes.h"
#include "cli.h"

int
ppv_ts_resync(ppv_tsscan *s, const uint8_t *buf, size_t have, size_t *at, ppv_tspkt *k)
{
	size_t i = *at;

	bool first = s->packets == 0 && s->skipped == 0;

	while (have - i >= PPV_TS_PACKET) {
		if (ppv_ts_parse(buf + i, k) == 0 &&
		    !(first && have - i >= 2 * PPV_TS_PACKET && buf[i + PPV_TS_PACKET] != 0x47)) {
			s->packets++;
			*at = i + PPV_TS_PACKET;
			return 1;
		}
		if (first)
			return -1;
		/* lost sync: on to the next 0x47 */
		const uint8_t *q = memchr(buf + i + 1, 0x47, have - i - 1);
		size_t to = q ? (size_t)(q - buf) : have;
		s->skipped += to - i;
		i = to;
	}
	*at = i;
	return 0;
}

void
ppv_ts_report(const ppv_tsscan *s, const char *name, size_t left)
{
	if (left)
		ppv_warn("%s: %zu bytes of a truncated last packet dropped", name, left);
	if (s->skipped)
		ppv_warn("%s: %" PRIu64 " bytes out of sync skipped", name, s->skipped);
}

void
ppv_tsin_init(ppv_tsin *r, ppv_input *in)
{
	r->in = in;
	r->scan = (ppv_tsscan){ 0 };
	r->have = r->at = 0;
}

int
ppv_tsin_fill(ppv_tsin *r, uint8_t **p, ppv_tspkt *k)
{
	for (;;) {
		int rc = ppv_ts_next(&r->scan, r->buf, r->have, &r->at, k);
		if (rc != 0) {
			*p = r->buf + r->at - PPV_TS_PACKET;
			return rc;
		}
		memmove(r->buf, r->buf + r->at, r->have - r->at);
		r->have -= r->at;
		r->at = 0;
		size_t got = ppv_input_read(r->in, r->buf + r->have, sizeof r->buf - r->have);
		if (got == 0)
			return 0;
		r->have += got;
	}
}

void
ppv_tsin_report(const ppv_tsin *r)
{
	ppv_ts_report(&r->scan, ppv_input_name(r->in), r->have - r->at);
}

static size_t
section_len(const uint8_t *b)
{
	return 3 + ((size_t)(b[1] & 0x0f) << 8 | b[2]);
}

/* Emits every complete section in the buffer; 0xff starts stuffing. */
static void
drain(ppv_secbuf *b, ppv_section_fn fn, void *ctx)
{
	size_t at = 0;

	while (b->len - at >= 3 && b->buf[at] != 0xff) {
		size_t n = section_len(b->buf + at);
		if (b->len - at < n)
			break;
		fn(ctx, b->buf + at, n);
		at += n;
	}
	if (b->len - at >= 1 && b->buf[at] == 0xff) {
		b->len = 0;
		b->active = false;
		return;
	}
	memmove(b->buf, b->buf + at, b->len - at);
	b->len -= at;
}

void
ppv_section_feed(ppv_secbuf *b, const ppv_tspkt *k, ppv_section_fn fn, void *ctx)
{
	const uint8_t *p = k->payload;
	size_t n = k->plen;

	if (n == 0)
		return;
	if (k->pusi) {
		size_t ptr = p[0];
		if (ptr + 1 > n) {
			b->len = 0, b->active = false;
			return;
		}
		/* the tail of the section in progress comes before the pointer */
		if (b->active && b->len + ptr <= sizeof b->buf) {
			memcpy(b->buf + b->len, p + 1, ptr);
			b->len += ptr;
			drain(b, fn, ctx);
		}
		b->len = 0;
		b->active = true;
		p += 1 + ptr;
		n -= 1 + ptr;
	} else if (!b->active) {
		return;
	}
	if (b->len + n > sizeof b->buf) {
		b->len = 0, b->active = false;
		return;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	drain(b, fn, ctx);
}

uint32_t
ppv_crc32_mpeg(const uint8_t *p, size_t n)
{
	/* libavutil's IEEE table is the MSB-first one MPEG-2 sections use; it
	 * leaves the register byte-swapped (as libavformat's mpegts knows). */
	return av_bswap32(av_crc(av_crc_get_table(AV_CRC_32_IEEE), 0xffffffffu, p, n));
}

int
ppv_pat_pmt_pids(const uint8_t *sec, size_t n, int *pids, int max)
{
	int k = 0;

	if (n < 12 || sec[0] != 0x00 || ppv_crc32_mpeg(sec, n) != 0)
		return -1;
	/* program 0 is the network PID, not a program */
	for (size_t at = 8; at + 4 <= n - 4 && k < max; at += 4)
		if (ppv_get_be(sec + at, 2) != 0)
			pids[k++] = (sec[at + 2] & 0x1f) << 8 | sec[at + 3];
	return k;
}

int
ppv_pat_pmt_pid(const uint8_t *sec, size_t n)
{
	int pid;

	return ppv_pat_pmt_pids(sec, n, &pid, 1) == 1 ? pid : -1;
}

/* Why CUEI: SCTE 35 section 8.1 asks for the registration descriptor in the
 * program loop, and some readers look for cues only where it is. */
size_t
ppv_pmt_add_cues(const uint8_t *s, const ppv_pmt *m, const int *pids, int npids, uint8_t *out)
{
	static const uint8_t reg[] = { 0x05, 0x04, 'C', 'U', 'E', 'I' };
	bool has_cuei = false;
	size_t w = 12;

	for (size_t at = 0; at + 2 <= m->infolen; at += 2u + m->info[at + 1])
		if (m->info[at] == 0x05 && m->info[at + 1] >= 4 && ppv_get_be(m->info + at + 2, 4) == 0x43554549u)
			has_cuei = true;
	memcpy(out, s, 12);
	out[5] = (uint8_t)((s[5] & 0xc1) | (((m->version + 1) & 0x1f) << 1));
	if (12 + m->infolen + sizeof reg > PPV_PMT_MAX - 4)
		return 0;
	memcpy(out + w, m->info, m->infolen);
	w += m->infolen;
	if (!has_cuei) {
		memcpy(out + w, reg, sizeof reg);
		w += sizeof reg;
	}
	out[10] = (uint8_t)((s[10] & 0xf0) | (w - 12) >> 8);
	out[11] = (uint8_t)(w - 12);
	for (int i = 0; i < m->nes; i++) {
		if (w + m->es_len[i] > PPV_PMT_MAX - 4)
			return 0;
		memcpy(out + w, s + m->es_off[i], m->es_len[i]);
		w += m->es_len[i];
	}
	for (int k = 0; k < npids; k++) {
		bool has = false;
		for (int i = 0; i < m->nes; i++)
			has = has || m->es[i].pid == pids[k];
		if (has)
			continue;
		/* stream_type 0x86 with cue_identifier_descriptor: all commands */
		const uint8_t es[] = { PPV_ST_SCTE35, (uint8_t)(0xe0 | pids[k] >> 8), (uint8_t)pids[k],
				       0xf0, 0x03, 0x8a, 0x01, 0x01 };
		if (w + sizeof es > PPV_PMT_MAX - 4)
			return 0;
		memcpy(out + w, es, sizeof es);
		w += sizeof es;
	}
	size_t len = w + 4 - 3;
	out[1] = (uint8_t)((s[1] & 0xf0) | len >> 8);
	out[2] = (uint8_t)len;
	ppv_put_be(out + w, ppv_crc32_mpeg(out, w), 4);
	return w + 4;
}

int
ppv_pmt_parse(const uint8_t *sec, size_t n, ppv_pmt *m)
{
	if (n < 16 || sec[0] != 0x02 || ppv_crc32_mpeg(sec, n) != 0)
		return -1;
	m->program = (uint16_t)ppv_get_be(sec + 3, 2);
	m->version = (sec[5] >> 1) & 0x1f;
	m->pcr_pid = (uint16_t)((sec[8] & 0x1f) << 8 | sec[9]);
	m->infolen = (sec[10] & 0x0f) << 8 | sec[11];
	m->info = sec + 12;
	if (12 + m->infolen > n - 4)
		return -1;
	m->nes = 0;
	for (size_t at = 12 + m->infolen; at < n - 4;) {
		if (at + 5 > n - 4 || m->nes == PPV_PMT_MAXES)
			return -1;
		size_t dl = (sec[at + 3] & 0x0f) << 8 | sec[at + 4];
		if (at + 5 + dl > n - 4)
			return -1;
		m->es[m->nes].stream_type = sec[at];
		m->es[m->nes].pid = (uint16_t)((sec[at + 1] & 0x1f) << 8 | sec[at + 2]);
		m->es_off[m->nes] = at;
		m->es_len[m->nes] = 5 + dl;
		m->nes++;
		at += 5 + dl;
	}
	return 0;
}

uint64_t
ppv_pes_pts(const uint8_t *p, size_t n)
{
	if (n < 14 || p[0] || p[1] || p[2] != 1)
		return PPV_TS_NOPTS;
	/* stream ids without the optional PES header (padding, private 2, ...) */
	if (p[3] == 0xbc || p[3] == 0xbe || p[3] == 0xbf || p[3] == 0xf0 || p[3] == 0xf1 ||
	    p[3] == 0xff || p[3] == 0xf2 || p[3] == 0xf8)
		return PPV_TS_NOPTS;
	if ((p[6] & 0xc0) != 0x80 || !(p[7] & 0x80))
		return PPV_TS_NOPTS;
	const uint8_t *t = p + 9;
	return (uint64_t)(t[0] >> 1 & 7) << 30 | (uint64_t)t[1] << 22 | (uint64_t)(t[2] >> 1) << 15 |
	       (uint64_t)t[3] << 7 | t[4] >> 1;
}

uint64_t
ppv_pes_dts(const uint8_t *p, size_t n)
{
	uint64_t pts = ppv_pes_pts(p, n);

	if (pts == PPV_TS_NOPTS || (p[7] & 0xc0) != 0xc0 || n < 19)
		return pts;
	const uint8_t *t = p + 14;
	return (uint64_t)(t[0] >> 1 & 7) << 30 | (uint64_t)t[1] << 22 | (uint64_t)(t[2] >> 1) << 15 |
	       (uint64_t)t[3] << 7 | t[4] >> 1;
}

int64_t
ppv_pts_delta(uint64_t raw, uint64_t last)
{
	const int64_t wrap = (int64_t)PPV_PTS_WRAP;
	int64_t d = (int64_t)((raw - last) & (uint64_t)(wrap - 1));

	return d >= wrap / 2 ? d - wrap : d;
}

bool
ppv_stream_is_video(uint8_t t)
{
	return t == 0x01 || t == 0x02 || t == 0x10 || t == PPV_ST_H264 || t == PPV_ST_HEVC || t == 0x33 ||
	       t == 0x42 || t == 0xd1 || t == 0xea;
}

bool
ppv_stream_is_audio(uint8_t t)
{
	return t == PPV_ST_MPEG1_AUDIO || t == PPV_ST_MPEG2_AUDIO || t == PPV_ST_AAC || t == PPV_ST_AC3 ||
	       t == PPV_ST_EAC3;
}

size_t
ppv_ts_packetize(const uint8_t *sec, size_t n, uint16_t pid, uint8_t *cc, uint8_t *out, size_t cap)
{
	size_t np = 0, at = 0;

	while (at < n || np == 0) {
		if ((np + 1) * PPV_TS_PACKET > cap)
			return 0;
		uint8_t *q = out + np * PPV_TS_PACKET;
		q[0] = 0x47;
		q[1] = (uint8_t)((np == 0 ? 0x40 : 0) | pid >> 8);
		q[2] = (uint8_t)pid;
		q[3] = (uint8_t)(0x10 | (*cc & 0x0f));
		*cc = (uint8_t)((*cc + 1) & 0x0f);
		size_t h = 4;
		if (np == 0)
			q[h++] = 0;   /* pointer_field */
		size_t take = n - at < PPV_TS_PACKET - h ? n - at : PPV_TS_PACKET - h;
		memcpy(q + h, sec + at, take);
		memset(q + h + take, 0xff, PPV_TS_PACKET - h - take);
		at += take;
		np++;
	}
	return np;
}

size_t
ppv_pes_header(uint8_t *h, uint8_t stream_id, uint8_t flags, uint64_t pts, size_t len)
{
	size_t plen = 8 + len;

	h[0] = 0, h[1] = 0, h[2] = 1, h[3] = stream_id;
	/* 0: unbounded, which only video may be by the standard, but a
	 * PES this long is no audio a muxer writes */
	if (plen > 0xffff)
		plen = 0;
	h[4] = (uint8_t)(plen >> 8), h[5] = (uint8_t)plen;
	h[6] = flags, h[7] = 0x80, h[8] = 5;
	h[9] = (uint8_t)(0x21 | (pts >> 29 & 0x0e));
	h[10] = (uint8_t)(pts >> 22);
	h[11] = (uint8_t)(pts >> 14 | 1);
	h[12] = (uint8_t)(pts >> 7);
	h[13] = (uint8_t)(pts << 1 | 1);
	return 14;
}

size_t
ppv_pes_packetize(const uint8_t *pes, size_t n, uint16_t pid, uint8_t *cc, bool rai, uint8_t *out, size_t cap)
{
	size_t np = 0, at = 0;

	while (at < n) {
		if ((np + 1) * PPV_TS_PACKET > cap)
			return 0;
		uint8_t *q = out + np * PPV_TS_PACKET;
		size_t left = n - at, af = rai && np == 0 ? 2 : 0;
		if (left < PPV_TS_PACKET - 4 - af)
			af = PPV_TS_PACKET - 4 - left;   /* stuffing, as a PES may not be padded */
		q[0] = 0x47;
		q[1] = (uint8_t)((np == 0 ? 0x40 : 0) | pid >> 8);
		q[2] = (uint8_t)pid;
		q[3] = (uint8_t)((af ? 0x30 : 0x10) | (*cc & 0x0f));
		*cc = (uint8_t)((*cc + 1) & 0x0f);
		if (af) {
			q[4] = (uint8_t)(af - 1);
			if (af > 1) {
				q[5] = rai && np == 0 ? 0x40 : 0;
				memset(q + 6, 0xff, af - 2);
			}
		}
		size_t take = PPV_TS_PACKET - 4 - af;
		memcpy(q + 4 + af, pes + at, take);
		at += take;
		np++;
	}
	return np;
}
