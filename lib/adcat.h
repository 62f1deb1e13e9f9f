/* adcat.h: the ad catalog (CSV) and deterministic, targeted choice of ads to fill a break. */
#ifndef PPV_ADCAT_H
#define PPV_ADCAT_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	char *ad_id, *playlist, *advertiser, *cpm_text;
	int64_t dur;                /* microseconds */
	int64_t cpm;                /* millionths of the currency unit, for ordering */
	int64_t start, end;         /* unix seconds; INT64_MIN/MAX when open */
	int max_per_break;
	void *re;                   /* pcre2_code, NULL when untargeted */
	long line;
} ppv_ad;

typedef struct ppv_adcat ppv_adcat;

/* NULL with "file:line: what" in err, for a bad row or a bad pattern. */
ppv_adcat *ppv_adcat_load(const char *path, char *err, size_t errcap);
void ppv_adcat_free(ppv_adcat *c);
/* Every ad of the catalog, in its order. */
const ppv_ad *ppv_adcat_ads(const ppv_adcat *c, size_t *n);

/* Fills a break of dur microseconds: eligible ads (time window, targeting
 * against subject) by CPM, highest first, ties broken by a hash of viewer,
 * break and ad, each at most max_per_break times, never overrunning.
 * Returns how many were chosen into out; *filled is their total. */
size_t ppv_adcat_fill(const ppv_adcat *c, int64_t dur, const char *viewer, const char *brk,
		      const char *subject, int64_t now, const ppv_ad **out, size_t max,
		      int64_t *filled);

#endif
