/* esinfo.c: what a master playlist says of a stream (CODECS, RESOLUTION), read from the parameter sets and audio headers in the TS. */
#include "esinfo.h"

#include <stdio.h>
#include <string.h>

#include "bits.h"
#include "ts.h"

/* A NAL unit without its emulation prevention bytes (00 00 03). */
static size_t
unescape(uint8_t *out, size_t cap, const uint8_t *p, size_t n)
{
	size_t o = 0, zeros = 0;

	for (size_t i = 0; i < n && o < cap; i++) {
		if (zeros >= 2 && p[i] == 3) {
			zeros = 0;
			continue;
		}
		zeros = p[i] == 0 ? zeros + 1 : 0;
		out[o++] = p[i];
	}
	return o;
}

static uint32_t
ue(ppv_bitr *r)
{
	int lz = 0;

	while (!r->bad && ppv_bits(r, 1) == 0 && lz < 32)
		lz++;
	return lz ? (uint32_t)((1ull << lz) - 1 + ppv_bits(r, lz)) : 0;
}

static int32_t
se(ppv_bitr *r)
{
	uint32_t v = ue(r);

	return v & 1 ? (int32_t)((v + 1) / 2) : -(int32_t)(v / 2);
}

static void
skip_scaling_list(ppv_bitr *r, int size)
{
	int last = 8, next = 8;

	for (int j = 0; j < size && !r->bad; j++) {
		if (next)
			/* a delta out of -128..127 is a bad stream, not a reason to overflow */
			next = (int)((((int64_t)last + se(r)) % 256 + 256) % 256);
		last = next ? next : last;
	}
}

static bool
h264_sps(ppv_esinfo *e, const uint8_t *nal, size_t n)
{
	uint8_t b[256];
	size_t len = unescape(b, sizeof b, nal + 1, n - 1);
	ppv_bitr r;

	if (len < 4)
		return false;
	ppv_bitr_init(&r, b, len);
	unsigned profile = (unsigned)ppv_bits(&r, 8), flags = (unsigned)ppv_bits(&r, 8), level = (unsigned)ppv_bits(&r, 8);
	ue(&r);
	unsigned chroma = 1;
	if (profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44 ||
	    profile == 83 || profile == 86 || profile == 118 || profile == 128 || profile == 138 ||
	    profile == 139 || profile == 134 || profile == 135) {
		chroma = ue(&r);
		if (chroma == 3)
			ppv_bits(&r, 1);
		ue(&r);
		ue(&r);
		ppv_bits(&r, 1);
		if (ppv_bits(&r, 1))
			for (int i = 0; i < (chroma != 3 ? 8 : 12); i++)
				if (ppv_bits(&r, 1))
					skip_scaling_list(&r, i < 6 ? 16 : 64);
	}
	ue(&r);
	uint32_t poc = ue(&r);
	if (poc == 0) {
		ue(&r);
	} else if (poc == 1) {
		ppv_bits(&r, 1);
		se(&r);
		se(&r);
		uint32_t nc = ue(&r);
		for (uint32_t i = 0; i < nc && i < 256 && !r.bad; i++)
			se(&r);
	}
	ue(&r);
	ppv_bits(&r, 1);
	uint32_t wmb = ue(&r) + 1, hmu = ue(&r) + 1;
	int frame_mbs_only = (int)ppv_bits(&r, 1);
	if (!frame_mbs_only)
		ppv_bits(&r, 1);
	ppv_bits(&r, 1);
	uint32_t cl = 0, cr = 0, ct = 0, cb = 0;
	if (ppv_bits(&r, 1)) {
		cl = ue(&r);
		cr = ue(&r);
		ct = ue(&r);
		cb = ue(&r);
	}
	if (r.bad)
		return false;
	int cx = chroma == 0 || chroma == 3 ? 1 : 2, cy = (chroma == 1 ? 2 : 1) * (2 - frame_mbs_only);
	if (chroma == 0)
		cy = 2 - frame_mbs_only;
	e->width = (int)(wmb * 16 - (cl + cr) * (uint32_t)cx);
	e->height = (int)(hmu * 16 * (2 - (uint32_t)frame_mbs_only) - (ct + cb) * (uint32_t)cy);
	snprintf(e->video, sizeof e->video, "avc1.%02X%02X%02X", profile, flags, level);
	return e->width > 0 && e->height > 0;
}

static bool
hevc_sps(ppv_esinfo *e, const uint8_t *nal, size_t n)
{
	uint8_t b[256];
	size_t len = unescape(b, sizeof b, nal + 2, n - 2);
	ppv_bitr r;

	if (len < 16)
		return false;
	ppv_bitr_init(&r, b, len);
	ppv_bits(&r, 4);
	unsigned sub = (unsigned)ppv_bits(&r, 3);
	ppv_bits(&r, 1);
	/* profile_tier_level, general part */
	unsigned space = (unsigned)ppv_bits(&r, 2), tier = (unsigned)ppv_bits(&r, 1), idc = (unsigned)ppv_bits(&r, 5);
	uint32_t compat = (uint32_t)ppv_bits(&r, 32);
	uint8_t cons[6];
	for (int i = 0; i < 6; i++)
		cons[i] = (uint8_t)ppv_bits(&r, 8);
	unsigned level = (unsigned)ppv_bits(&r, 8);
	uint8_t pp[8] = { 0 }, lp[8] = { 0 };
	for (unsigned i = 0; i < sub; i++) {
		pp[i] = (uint8_t)ppv_bits(&r, 1);
		lp[i] = (uint8_t)ppv_bits(&r, 1);
	}
	if (sub)
		for (unsigned i = sub; i < 8; i++)
			ppv_bits(&r, 2);
	for (unsigned i = 0; i < sub; i++) {
		if (pp[i])
			ppv_bits(&r, 88);
		if (lp[i])
			ppv_bits(&r, 8);
	}
	ue(&r);
	uint32_t chroma = ue(&r);
	if (chroma == 3)
		ppv_bits(&r, 1);
	uint32_t w = ue(&r), h = ue(&r);
	if (ppv_bits(&r, 1)) {
		uint32_t cl = ue(&r), cr = ue(&r), ct = ue(&r), cb = ue(&r);
		uint32_t sx = chroma == 1 || chroma == 2 ? 2 : 1, sy = chroma == 1 ? 2 : 1;
		w -= (cl + cr) * sx;
		h -= (ct + cb) * sy;
	}
	if (r.bad)
		return false;
	e->width = (int)w;
	e->height = (int)h;
	/* compatibility flags bit-reversed, constraint bytes without trailing zeros */
	uint32_t rev = 0;
	for (int i = 0; i < 32; i++)
		if (compat >> i & 1)
			rev |= 1u << (31 - i);
	int nc = 6;
	while (nc > 0 && cons[nc - 1] == 0)
		nc--;
	char c[32] = "";
	for (int i = 0; i < nc; i++)
		snprintf(c + strlen(c), sizeof c - strlen(c), ".%X", cons[i]);
	snprintf(e->video, sizeof e->video, "hvc1.%s%u.%X.%c%u%s", space ? (const char *[]){ "", "A", "B", "C" }[space] : "",
		 idc, rev, tier ? 'H' : 'L', level, c);
	return w > 0 && h > 0;
}

bool
ppv_esinfo_video(ppv_esinfo *e, uint8_t stream_type, const uint8_t *p, size_t n)
{
	if (e->video[0])
		return true;
	for (size_t i = 0; i + 4 < n; i++) {
		if (p[i] || p[i + 1] || p[i + 2] != 1)
			continue;
		const uint8_t *nal = p + i + 3;
		size_t left = n - i - 3;
		size_t end = 0;
		while (end + 3 <= left && !(nal[end] == 0 && nal[end + 1] == 0 && (nal[end + 2] == 1 || nal[end + 2] == 0)))
			end++;
		if (end + 3 > left)
			end = left;
		if (stream_type == PPV_ST_H264 && (nal[0] & 0x1f) == 7 && h264_sps(e, nal, end))
			return true;
		if (stream_type == 0x24 && (nal[0] >> 1 & 0x3f) == 33 && end > 2 && hevc_sps(e, nal, end))
			return true;
	}
	e->video[0] = '\0';
	return false;
}

bool
ppv_esinfo_audio(ppv_esinfo *e, uint8_t stream_type, const uint8_t *p, size_t n)
{
	if (e->audio[0])
		return true;
	switch (stream_type) {
	case PPV_ST_AAC:
		/* ADTS: profile is the audio object type minus one */
		if (n >= 3 && p[0] == 0xff && (p[1] & 0xf0) == 0xf0) {
			snprintf(e->audio, sizeof e->audio, "mp4a.40.%d", (p[2] >> 6) + 1);
			return true;
		}
		return false;
	case PPV_ST_MPEG1_AUDIO: case PPV_ST_MPEG2_AUDIO:
		strcpy(e->audio, "mp4a.40.34");
		return true;
	case PPV_ST_AC3:
		strcpy(e->audio, "ac-3");
		return true;
	case PPV_ST_EAC3:
		strcpy(e->audio, "ec-3");
		return true;
	}
	return false;
}

size_t
ppv_adts_frame(const uint8_t *p, size_t n, unsigned *rate, unsigned *samples)
{
	static const unsigned rates[13] = {96000, 88200, 64000, 48000, 44100, 32000, 24000,
					   22050, 16000, 12000, 11025, 8000, 7350};

	if (n < 7 || p[0] != 0xff || (p[1] & 0xf6) != 0xf0)
		return 0;
	unsigned sfi = p[2] >> 2 & 0x0f;
	size_t len = (size_t)(p[3] & 3) << 11 | (size_t)p[4] << 3 | p[5] >> 5;
	if (sfi >= 13 || len < 7 || len > n)
		return 0;
	*rate = rates[sfi];
	*samples = 1024 * ((p[6] & 3) + 1u);   /* raw data blocks in the frame */
	return len;
}
