/* stitchint.h: what stitch.c and stitchlive.c share: a run's job, the pods, breaks and the playlist writer's state. */
#ifndef PPV_STITCHINT_H
#define PPV_STITCHINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "m3u8.h"
#include "stitch.h"

#define MAX_PICKS 64

struct pick {
	const char *path, *ad_id, *advertiser, *cpm;
	int64_t dur;
};

struct decision {
	bool made;
	int64_t want;               /* what the pod should last, -1: as the ads */
	struct pick p[MAX_PICKS];
	size_t n;
};

struct job {
	const ppv_stitch_cfg *cfg;
	const char *in;
	/* impressions of this playlist, logged only once it is written: an ad
	 * in a playlist that failed was never served, and is not paid for */
	FILE *imp;
	char *impbuf;
	size_t implen;
	struct decision *dec;
	size_t ndec;
	char *err;
	size_t errcap;
	/* a master's variant being written: its segment files measured as
	 * they go by, from the directory the output is in (NULL: not) */
	const char *measure_dir;
	bool measured;              /* every segment so far was a file */
	int64_t m_peak, m_bytes, m_dur;
};

struct oseg {
	char *uri, *map, *key, *title;
	char *map_key;              /* the key over the map in the source */
	int64_t src_seq;            /* its media sequence number in the source */
	char *extra;                /* its other tag lines (BYTERANGE...), \n-joined, or NULL */
	int64_t dur;
	bool disc;
};

struct pod {
	struct oseg *s;
	size_t n, cap;
	int64_t dur;
	int version;
};

struct brk {
	size_t b, e;                /* content [b, e) replaced, or b == e */
	int64_t want;               /* pod length, -1: as the ads */
	int64_t at;                 /* content time of the splice */
	uint32_t id;
};

/* What fills break idx of the input (made once for every variant), or NULL
 * with the reason in j->err. */
struct decision *ppv_stitch_decide(struct job *j, size_t idx, int64_t want, int64_t bw, const char *key);
/* The segments of a pod, URIs as seen from todir, in content's container; -1 with j->err. */
int ppv_stitch_pod_build(struct pod *p, struct job *j, const struct decision *d, int64_t bw, const char *todir,
			 const ppv_m3u8 *content);
void ppv_stitch_pod_free(struct pod *p);
int64_t ppv_stitch_ads_longest(const ppv_stitch_cfg *cfg, int64_t bw);
void ppv_stitch_oseg_free(struct oseg *s);
/* The breaks the cue markers of pl make, into out (pl->nsegs + 1 of them). */
size_t ppv_stitch_breaks_cued(const ppv_stitch_cfg *cfg, const ppv_m3u8 *pl, struct brk *out);
/* The playlist writer: a segment, a content segment's own tags, the header. */
void ppv_stitch_put_seg(struct job *j, ppv_m3u8_out *o, const struct oseg *s, bool disc, int64_t pdt);
void ppv_stitch_put_tags(ppv_m3u8_out *o, const ppv_m3u8 *pl, size_t t0, size_t nt, bool drop_cues, const char *todir);
/* One segment as the writer puts it, with nothing measured. */
void ppv_stitch_put_oseg(ppv_m3u8_out *o, const struct oseg *s, bool disc, int64_t pdt);
void ppv_stitch_put_header(FILE *f, const ppv_m3u8 *pl, int version, int64_t maxdur, int64_t mseq, int64_t dseq);
void ppv_stitch_content_oseg(struct oseg *s, const ppv_m3u8 *pl, const ppv_m3u8_seg *c, const char *todir);
/* text as the new path, atomically, or on stdout for "-"; -1 with err. */
int ppv_stitch_commit(const char *path, const char *text, size_t n, char *err, size_t cap);

/* stitchlive.c: --live, the same timeline across refreshes. */
int ppv_stitch_state_load(const char *path, char *err, size_t cap);
int ppv_stitch_live(struct job *j, ppv_m3u8 *pl, int64_t bw, const char *outpath);

#endif
