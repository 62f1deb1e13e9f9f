/* adcat.c: the ad catalog (CSV) and deterministic, targeted choice of ads to fill a break. */
#include "adcat.h"
#include "cli.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/mem.h>
#include <libavutil/sha.h>

#include "csvio.h"
#include "input.h"
#include "m3u8.h"
#include "when.h"

struct ppv_adcat {
	ppv_ad *v;
	size_t n;
	pcre2_match_context *mctx;
	pcre2_match_data *md;
};

const ppv_ad *
ppv_adcat_ads(const ppv_adcat *c, size_t *n)
{
	*n = c->n;
	return c->v;
}

/* "12.50" to millionths, for ordering; the text itself is what is reported. */
static int
parse_cpm(const char *s, int64_t *v)
{
	int64_t us;

	if (ppv_m3u8_secs(s, &us) != 0)
		return -1;
	*v = us;
	return 0;
}

static int
load_row(ppv_adcat *c, ppv_csv *csv, const int *col, const char *path, char *err, size_t cap)
{
	long line = ppv_csv_line(csv);
	ppv_ad a = { .start = INT64_MIN, .end = INT64_MAX, .max_per_break = 1, .line = line };
	const char *f;

	for (int i = 0; i < 5; i++)
		if (!*ppv_csv_field(csv, col[i]))
			return ppv_errf(err, cap, "%s:%ld: empty %s", path, line,
				    (const char *[]){ "ad_id", "playlist", "duration", "advertiser", "cpm" }[i]);
	f = ppv_csv_field(csv, col[2]);
	if (ppv_m3u8_secs(f, &a.dur) != 0 || a.dur <= 0)
		return ppv_errf(err, cap, "%s:%ld: duration '%s' is not a number of seconds", path, line, f);
	f = ppv_csv_field(csv, col[4]);
	if (parse_cpm(f, &a.cpm) < 0)
		return ppv_errf(err, cap, "%s:%ld: cpm '%s' is not a decimal amount", path, line, f);
	if (col[6] >= 0 && *(f = ppv_csv_field(csv, col[6])) && ppv_time_parse(f, &a.start))
		return ppv_errf(err, cap, "%s:%ld: start '%s' is not a time", path, line, f);
	if (col[7] >= 0 && *(f = ppv_csv_field(csv, col[7])) && ppv_time_parse(f, &a.end))
		return ppv_errf(err, cap, "%s:%ld: end '%s' is not a time", path, line, f);
	if (col[8] >= 0 && *(f = ppv_csv_field(csv, col[8]))) {
		char *e;
		long m = strtol(f, &e, 10);
		if (*e || m < 1 || m > 100)
			return ppv_errf(err, cap, "%s:%ld: max_per_break '%s' is not 1 to 100", path, line, f);
		a.max_per_break = (int)m;
	}
	if (col[5] >= 0 && *(f = ppv_csv_field(csv, col[5]))) {
		int ec;
		PCRE2_SIZE off;
		a.re = pcre2_compile((PCRE2_SPTR)f, PCRE2_ZERO_TERMINATED, PCRE2_MULTILINE, &ec, &off, NULL);
		if (!a.re) {
			PCRE2_UCHAR msg[160];
			pcre2_get_error_message(ec, msg, sizeof msg);
			return ppv_errf(err, cap, "%s:%ld: targeting '%s': %s at offset %zu", path, line, f,
				    (char *)msg, (size_t)off);
		}
	}
	a.ad_id = ppv_xstrdup(ppv_csv_field(csv, col[0]));
	const char *pl = ppv_csv_field(csv, col[1]);
	/* a relative playlist is relative to the catalog */
	if (ppv_uri_absolute(pl)) {
		a.playlist = ppv_xstrdup(pl);
	} else {
		char *dir = ppv_dirname(path);
		a.playlist = ppv_xasprintf("%s/%s", dir, pl);
		free(dir);
	}
	a.advertiser = ppv_xstrdup(ppv_csv_field(csv, col[3]));
	a.cpm_text = ppv_xstrdup(ppv_csv_field(csv, col[4]));
	c->v = ppv_xrealloc(c->v, (c->n + 1) * sizeof *c->v);
	c->v[c->n++] = a;
	return 0;
}

ppv_adcat *
ppv_adcat_load(const char *path, char *err, size_t cap)
{
	static const char *const names[] = { "ad_id", "playlist", "duration", "advertiser", "cpm",
					     "targeting", "start", "end", "max_per_break" };
	ppv_adcat *c = ppv_xcalloc(1, sizeof *c);
	ppv_input *in = ppv_input_open(path);
	ppv_csv *csv = ppv_csv_open(in);
	int col[9];

	for (int i = 0; i < 9; i++)
		if ((col[i] = ppv_csv_col(csv, names[i])) < 0 && i < 5) {
			ppv_errf(err, cap, "%s:1: the catalog needs a `%s` column", path, names[i]);
			goto bad;
		}
	while (ppv_csv_next(csv))
		if (load_row(c, csv, col, path, err, cap) < 0)
			goto bad;
	ppv_csv_close(csv);
	ppv_input_close(in);
	/* a pattern that backtracks without end is cut off, not left to hang */
	c->mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(c->mctx, 100000);
	pcre2_set_depth_limit(c->mctx, 1000);
	c->md = pcre2_match_data_create(4, NULL);
	return c;
bad:
	ppv_csv_close(csv);
	ppv_input_close(in);
	ppv_adcat_free(c);
	return NULL;
}

void
ppv_adcat_free(ppv_adcat *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].ad_id);
		free(c->v[i].playlist);
		free(c->v[i].advertiser);
		free(c->v[i].cpm_text);
		pcre2_code_free(c->v[i].re);
	}
	free(c->v);
	pcre2_match_context_free(c->mctx);
	pcre2_match_data_free(c->md);
	free(c);
}

struct cand {
	const ppv_ad *ad;
	uint64_t rank;
};

static int
by_cpm(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->ad->cpm != y->ad->cpm)
		return x->ad->cpm > y->ad->cpm ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* Same viewer, break and ad: same rank, run after run, machine after machine. */
static uint64_t
rank(const char *viewer, const char *brk, const char *ad)
{
	struct AVSHA *sha = av_sha_alloc();
	uint8_t d[32];
	uint64_t r = 0;

	av_sha_init(sha, 256);
	av_sha_update(sha, (const uint8_t *)viewer, strlen(viewer) + 1);
	av_sha_update(sha, (const uint8_t *)brk, strlen(brk) + 1);
	av_sha_update(sha, (const uint8_t *)ad, strlen(ad));
	av_sha_final(sha, d);
	av_free(sha);
	for (int i = 0; i < 8; i++)
		r = r << 8 | d[i];
	return r;
}

size_t
ppv_adcat_fill(const ppv_adcat *c, int64_t dur, const char *viewer, const char *brk,
	       const char *subject, int64_t now, const ppv_ad **out, size_t max, int64_t *filled)
{
	struct cand *cv = ppv_xcalloc(c->n, sizeof *cv);
	size_t nc = 0, n = 0;

	for (size_t i = 0; i < c->n; i++) {
		const ppv_ad *a = &c->v[i];
		if (now < a->start || now >= a->end)
			continue;
		if (a->re) {
			int rc = pcre2_match(a->re, (PCRE2_SPTR)subject, strlen(subject), 0, 0, c->md, c->mctx);
			if (rc < 0) {
				if (rc != PCRE2_ERROR_NOMATCH)
					ppv_warn("catalog line %ld: targeting gave up (%s)",
						a->line, rc == PCRE2_ERROR_MATCHLIMIT ? "match limit" : "error");
				continue;
			}
		}
		cv[nc++] = (struct cand){ a, rank(viewer ? viewer : "", brk, a->ad_id) };
	}
	qsort(cv, nc, sizeof *cv, by_cpm);
	*filled = 0;
	for (size_t i = 0; i < nc && n < max; i++)
		for (int k = 0; k < cv[i].ad->max_per_break && n < max; k++) {
			if (*filled + cv[i].ad->dur > dur)
				break;
			out[n++] = cv[i].ad;
			*filled += cv[i].ad->dur;
		}
	free(cv);
	return n;
}
