/* ladder.c: an adaptive bitrate ladder: the rungs --ladder's SPEC names, fitted to a source's picture: sizes, VBV, H.264 profile and level. */
#include "ladder.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* H.264 Table A-1: macroblocks a second and a frame, and the bit rate and
 * coded picture buffer in 1000 bits for Main (High may have 1.25 times). */
static const struct {
	int idc;
	long mbps, fs, br, cpb;
} levels[] = {
	{ 10, 1485, 99, 64, 175 },        { 11, 3000, 396, 192, 500 },       { 12, 6000, 396, 384, 1000 },
	{ 13, 11880, 396, 768, 2000 },    { 20, 11880, 396, 2000, 2000 },    { 21, 19800, 792, 4000, 4000 },
	{ 22, 20250, 1620, 4000, 4000 },  { 30, 40500, 1620, 10000, 10000 }, { 31, 108000, 3600, 14000, 14000 },
	{ 32, 216000, 5120, 20000, 20000 }, { 40, 245760, 8192, 20000, 25000 },
	{ 41, 245760, 8192, 50000, 62500 }, { 42, 522240, 8704, 50000, 62500 },
	{ 50, 589824, 22080, 135000, 135000 }, { 51, 983040, 36864, 240000, 240000 },
	{ 52, 2073600, 36864, 240000, 240000 }, { 60, 4177920, 139264, 240000, 240000 },
	{ 61, 8355840, 139264, 480000, 480000 }, { 62, 16711680, 139264, 800000, 800000 },
};

/* The lowest level that holds the rung; 0 when none does. */
static int
level_for(const ppv_rung *r, int fps_num, int fps_den)
{
	long wmb = (r->width + 15) / 16, hmb = (r->height + 15) / 16, fs = wmb * hmb;
	long long mbps = ((long long)fs * fps_num + fps_den - 1) / fps_den;
	long factor = strcmp(r->profile, "high") == 0 ? 1250 : 1000;

	for (size_t i = 0; i < sizeof levels / sizeof *levels; i++)
		if (fs <= levels[i].fs && mbps <= levels[i].mbps && wmb * wmb <= 8 * levels[i].fs &&
		    hmb * hmb <= 8 * levels[i].fs && r->maxrate * 1000 <= levels[i].br * factor &&
		    r->bufsize * 1000 <= levels[i].cpb * factor)
			return levels[i].idc;
	return 0;
}

static int
rung(const char *s, size_t len, ppv_rung *r, char *err, size_t cap)
{
	char buf[32], *end;

	if (len == 0 || len >= sizeof buf) {
		snprintf(err, cap, "'%.*s': a rung is HEIGHTp@KBPS (720p@3000) or source", (int)(len < 40 ? len : 40), s);
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(r, 0, sizeof *r);
	if (strcmp(buf, "source") == 0) {
		r->source = true;
		strcpy(r->name, "source");
		return 0;
	}
	errno = 0;
	long h = strtol(buf, &end, 10);
	if (!isdigit((unsigned char)*buf) || end[0] != 'p' || end[1] != '@') {
		snprintf(err, cap, "'%s': a rung is HEIGHTp@KBPS (720p@3000) or source", buf);
		return -1;
	}
	const char *rate = end + 2;
	long kbps = strtol(rate, &end, 10);
	if (!isdigit((unsigned char)*rate) || *end || errno) {
		snprintf(err, cap, "'%s': a rung is HEIGHTp@KBPS (720p@3000) or source", buf);
		return -1;
	}
	/* 4:2:0 halves the chroma planes: x264 takes even sides only */
	if (h < 32 || h > 4320 || h % 2) {
		snprintf(err, cap, "'%s': the height must be even, from 32 to 4320", buf);
		return -1;
	}
	if (kbps < 16 || kbps > 200000) {
		snprintf(err, cap, "'%s': the rate must be from 16 to 200000 kb/s", buf);
		return -1;
	}
	snprintf(r->name, sizeof r->name, "%ldp", h);
	r->height = (int)h;
	r->kbps = kbps;
	r->maxrate = kbps + kbps / 10;
	r->bufsize = 2 * kbps;
	/* High for what phones on a good link pick; Main where old and cheap
	 * phones, whose decoders may stop at Main, fall back to */
	r->profile = h > 480 ? "high" : "main";
	return 0;
}

int
ppv_ladder_parse(const char *spec, ppv_ladder *l, char *err, size_t cap)
{
	l->n = 0;
	for (const char *s = spec;; s++) {
		size_t len = strcspn(s, ",");
		if (l->n == PPV_LADDER_MAX) {
			snprintf(err, cap, "more than %d rungs", PPV_LADDER_MAX);
			return -1;
		}
		ppv_rung *r = &l->r[l->n];
		if (rung(s, len, r, err, cap) < 0)
			return -1;
		for (size_t i = 0; i < l->n; i++)
			if (l->r[i].source == r->source && l->r[i].height == r->height && l->r[i].kbps == r->kbps) {
				snprintf(err, cap, "'%s' is there twice", r->name);
				return -1;
			}
		l->n++;
		s += len;
		if (!*s)
			return 0;
	}
}

int
ppv_ladder_fit(ppv_ladder *l, int w, int h, int sar_num, int sar_den, int fps_num, int fps_den, char *note,
               size_t notecap, char *err, size_t errcap)
{
	size_t kept = 0, used = 0;

	if (sar_num <= 0 || sar_den <= 0)
		sar_num = sar_den = 1;
	if (w <= 0 || h <= 0 || fps_num <= 0 || fps_den <= 0) {
		snprintf(err, errcap, "the source has no picture size or frame rate");
		return -1;
	}
	if (notecap)
		note[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		ppv_rung r = l->r[i];
		if (r.source) {
			r.width = w;
			r.height = h;
		} else if (r.height > h) {
			if (used < notecap)
				used += (size_t)snprintf(note + used, notecap - used, "%s%s", used ? ", " : "", r.name);
			continue;
		} else {
			/* the nearest even width that keeps the picture's shape on
			 * square pixels */
			long long num = (long long)w * sar_num * r.height, den = (long long)h * sar_den;
			r.width = (int)(2 * ((num + den) / (2 * den)));
			if (r.width < 2)
				r.width = 2;
			if (!(r.level = level_for(&r, fps_num, fps_den))) {
				snprintf(err, errcap, "%s: %dx%d at %ld kb/s is beyond every H.264 level", r.name, r.width,
				         r.height, r.kbps);
				return -1;
			}
		}
		l->r[kept++] = r;
	}
	if (used && used < notecap)
		snprintf(note + used, notecap - used, ": taller than the %d-line source, left out", h);
	l->n = kept;
	if (kept == 0) {
		snprintf(err, errcap, "no rung fits a %dx%d source", w, h);
		return -1;
	}
	return 0;
}
