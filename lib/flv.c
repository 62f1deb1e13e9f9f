/* flv.c: FLV tags and their H.264, AAC and MP3 made ready for MPEG-TS, byte for byte as
 * FFmpeg's remux leaves them (h264_mp4toannexb, then the mpegts muxer's access unit
 * delimiter; the ADTS muxer's header), so that what ppv-ingest writes decodes the same. */
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "flv.h"

int
ppv_flv_header(const uint8_t *buf, size_t n)
{
	if (n < PPV_FLV_HEADER || memcmp(buf, "FLV", 3) || buf[3] != 1)
		return -1;
	uint32_t off = ppv_get_be(buf + 5, 4);
	return off >= PPV_FLV_HEADER && off <= 1024 ? (int)off : -1;
}

void
ppv_flv_tag_parse(const uint8_t *h, ppv_flv_tag *t)
{
	t->type = h[0] & 0x1f;
	t->size = ppv_get_be(h + 1, 3);
	t->ms = (int64_t)(ppv_get_be(h + 4, 3) | (uint32_t)h[7] << 24);
}

uint8_t *
ppv_buf_room(ppv_buf *b, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + n)
			cap *= 2;
		uint8_t *p = realloc(b->b, cap);
		if (!p)
			return NULL;
		b->b = p;
		b->cap = cap;
	}
	uint8_t *at = b->b + b->n;
	b->n += n;
	return at;
}

void
ppv_buf_free(ppv_buf *b)
{
	free(b->b);
	*b = (ppv_buf){ 0 };
}

/* --- H.264 ------------------------------------------------------------------------- */

int
ppv_avc_config(ppv_avc *a, const uint8_t *rec, size_t n)
{
	ppv_avc c = { .new_idr = 1 };
	size_t at = 6;

	if (n < 7 || rec[0] != 1)
		return -1;
	c.length_size = (rec[4] & 3) + 1;
	/* SPS then PPS, each list counted: 5 bits, then 8 */
	for (int list = 0; list < 2; list++) {
		if (at >= n)
			return -1;
		unsigned count = list ? rec[at] : rec[5] & 0x1f;
		at += list ? 1 : 0;
		if (list)
			c.pps_at = c.ps_len;
		else
			c.sps_at = 0;
		for (unsigned i = 0; i < count; i++) {
			if (at + 2 > n)
				return -1;
			size_t len = ppv_get_be(rec + at, 2);
			at += 2;
			if (at + len > n || c.ps_len + 4 + len > sizeof c.ps)
				return -1;
			ppv_put_be(c.ps + c.ps_len, 1, 4);
			memcpy(c.ps + c.ps_len + 4, rec + at, len);
			c.ps_len += 4 + len;
			at += len;
		}
	}
	*a = c;
	return 0;
}

/* A NAL unit after a start code: 4 bytes for the first of the access unit
 * and for parameter sets, 3 for the rest, as FFmpeg writes them. */
static int
put_nal(ppv_buf *out, size_t start, const uint8_t *p, size_t n, int ps)
{
	size_t sc = out->n == start || ps ? 4 : 3;
	uint8_t *o = ppv_buf_room(out, sc + n);

	if (!o)
		return -1;
	ppv_put_be(o, 1, (int)sc);
	memcpy(o + sc, p, n);
	return 0;
}

static int
put_raw(ppv_buf *out, const uint8_t *p, size_t n)
{
	uint8_t *o = ppv_buf_room(out, n);

	if (!o)
		return -1;
	memcpy(o, p, n);
	return 0;
}

int
ppv_avc_annexb(ppv_avc *a, const uint8_t *p, size_t n, ppv_buf *out)
{
	size_t at = 0, start = out->n;
	int ls = a->length_size ? a->length_size : 4;
	static const uint8_t aud[6] = { 0, 0, 0, 1, 9, 0xf0 };

	/* the muxer's delimiter, unless one comes before the first slice */
	int first = 0;
	for (size_t k = 0; k + (size_t)ls < n && !first;) {
		size_t len = ppv_get_be(p + k, ls);
		int t = p[k + (size_t)ls] & 0x1f;
		if (t == 9 || t == 5 || t == 1)
			first = t;
		if (len > n - k - (size_t)ls)
			break;
		k += (size_t)ls + len;
	}
	if (first != 9) {
		if (put_raw(out, aud, sizeof aud) < 0)
			return -1;
		start = out->n;
	}
	while (at < n) {
		if (at + (size_t)ls > n)
			return -1;
		size_t len = ppv_get_be(p + at, ls);
		at += (size_t)ls;
		if (len > n - at)
			return -1;
		if (!len)
			continue;
		const uint8_t *nal = p + at;
		int type = nal[0] & 0x1f;
		at += len;
		if (type == 7) {
			a->sps_seen = a->new_idr = 1;
		} else if (type == 8) {
			a->pps_seen = a->new_idr = 1;
			/* a PPS without an SPS before it gets the configuration's */
			if (!a->sps_seen && a->ps_len) {
				size_t end = a->pps_at < a->ps_len ? a->pps_at : a->ps_len;
				if (put_raw(out, a->ps + a->sps_at, end - a->sps_at) < 0)
					return -1;
				a->sps_seen = 1;
			}
		}
		/* a new IDR picture right after another: first_mb_in_slice 0 */
		if (!a->new_idr && type == 5 && len > 1 && (nal[1] & 0x80))
			a->new_idr = 1;
		if (a->new_idr && type == 5 && !a->sps_seen && !a->pps_seen) {
			if (put_raw(out, a->ps, a->ps_len) < 0)
				return -1;
			a->new_idr = 0;
		} else if (a->new_idr && type == 5 && a->sps_seen && !a->pps_seen && a->pps_at < a->ps_len) {
			if (put_raw(out, a->ps + a->pps_at, a->ps_len - a->pps_at) < 0)
				return -1;
		}
		if (put_nal(out, start, nal, len, type == 7 || type == 8) < 0)
			return -1;
		if (!a->new_idr && type == 1) {
			a->new_idr = 1;
			a->sps_seen = a->pps_seen = 0;
		}
	}
	return 0;
}

/* --- AAC and MP3 ------------------------------------------------------------------- */

int
ppv_aac_config(ppv_aac *a, const uint8_t *asc, size_t n)
{
	static const int rates[13] = { 96000, 88200, 64000, 48000, 44100, 32000, 24000,
		                       22050, 16000, 12000, 11025, 8000, 7350 };
	uint64_t b = 0;
	int at = 0, rate;

	for (size_t i = 0; i < n && i < 8; i++)
		b |= (uint64_t)asc[i] << (56 - 8 * i);
#define BITS(k) (at += (k), (int)(b >> (64 - at) & ((1u << (k)) - 1)))
	if (n < 2)
		return -1;
	int object = BITS(5);
	if (object == 31)
		object = 32 + BITS(6);
	int fi = BITS(4);
	if (fi == 15 && (size_t)(at + 24 + 4 + 7) / 8 > n)
		return -1;
	rate = fi == 15 ? BITS(24) : fi < 13 ? rates[fi] : 0;
	int ch = BITS(4);
	if ((object == 5 || object == 29) && (size_t)(at + 9 + 7) / 8 <= n && fi != 15) {
		/* HE-AAC signalled explicitly: the core's type, at the rate above */
		if (BITS(4) != 15)
			object = BITS(5);
	}
#undef BITS
	if (rate <= 0 || ch < 1 || ch > 7)
		return -1;   /* channels in a program config element: not read here */
	*a = (ppv_aac){ object, fi, rate, ch == 7 ? 8 : ch, ch };
	return 0;
}

int
ppv_adts(const ppv_aac *a, size_t n, uint8_t h[7])
{
	size_t len = n + 7;

	/* ADTS has 2 bits of object type and 4 of rate index, and no room for
	 * an explicit rate */
	if (len > 0x1fff || a->object < 1 || a->object > 4 || a->rate_index > 12)
		return -1;
	h[0] = 0xff;
	h[1] = 0xf1;   /* MPEG-4, layer 0, no CRC */
	h[2] = (uint8_t)((a->object - 1) << 6 | a->rate_index << 2 | a->config >> 2);
	h[3] = (uint8_t)((a->config & 3) << 6 | len >> 11);
	h[4] = (uint8_t)(len >> 3);
	h[5] = (uint8_t)((len & 7) << 5 | 0x1f);   /* buffer fullness 0x7ff: variable rate */
	h[6] = 0xfc;
	return 0;
}

int
ppv_mp3_rate(const uint8_t *p, size_t n)
{
	static const int base[3] = { 44100, 48000, 32000 };

	if (n < 4 || p[0] != 0xff || (p[1] & 0xe0) != 0xe0)
		return 0;
	int version = p[1] >> 3 & 3, index = p[2] >> 2 & 3;
	if (version == 1 || index == 3)
		return 0;
	return version == 3 ? base[index] : version == 2 ? base[index] / 2 : base[index] / 4;
}
