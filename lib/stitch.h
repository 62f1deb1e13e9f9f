/* stitch.h: ad pods stitched into HLS media and master playlists, or announced as HLS Interstitials. */
#ifndef PPV_STITCH_H
#define PPV_STITCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "adcat.h"
#include "breaks.h"

typedef struct {
	const char *ad;             /* one ad for every break */
	const ppv_adcat *cat;       /* or a catalog to choose from */
	const char *slate;          /* fills what the ads leave */
	const ppv_break *breaks;    /* sorted; none: the cue markers in the playlist */
	size_t nbreaks;
	bool replace, interstitials, live;
	const char *state;          /* live: what earlier refreshes placed */
	const char *stdout_dir;     /* out "-": the directory the URIs resolve from; NULL "." */
	const char *viewer, *creator, *country;
	const char *subject;        /* the --meta fields as `key=value` lines */
	FILE *impressions;
	int64_t now;                /* unix seconds */
	int quiet;
} ppv_stitch_cfg;

/* Stitches one media or master playlist into out_path ("-": stdout; a
 * master's variants are written beside it). 0, or -1 with "file:line:
 * what" in err. */
int ppv_stitch(const ppv_stitch_cfg *cfg, const char *in, const char *out, char *err, size_t errcap);
/* Stitches each input into output: stdout (NULL or "-") or a file for one
 * input, a directory that mirrors the inputs' paths for one or more; jobs
 * processes at once (0: one per core for 64 inputs or more, one with
 * impressions or --live). An exit code; each failure is warned. */
int ppv_stitch_batch(ppv_stitch_cfg *cfg, char *const *in, size_t nin, const char *output, long jobs);
/* Frees the playlists cached across calls (ads, slate). */
void ppv_stitch_done(void);

#endif
