/* stitch.c: ad pods stitched into HLS media and master playlists, or announced as HLS Interstitials. */
#include "stitch.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "atomic.h"
#include "cli.h"
#include "codec.h"
#include "csvio.h"
#include "m3u8.h"
#include "scte35.h"
#include "when.h"

#define MAX_PICKS 64
/* Interstitials need a date line; a playlist without one gets this epoch. */
#define PDT_ANCHOR INT64_C(946684800000)

static char *
join(const char *dir, const char *rel)
{
	return ppv_xasprintf("%s/%s", dir, rel);
}

/* ads and slate, loaded once a run -------------------------------------- */

static struct {
	char *path;
	ppv_m3u8 *pl;
} cache[256];
static size_t ncache;

static ppv_m3u8 *
load_cached(const char *path, char *err, size_t cap)
{
	for (size_t i = 0; i < ncache; i++)
		if (!strcmp(cache[i].path, path))
			return cache[i].pl;
	ppv_m3u8 *pl = ppv_m3u8_load(path, err, cap);
	if (pl && ncache < sizeof cache / sizeof *cache) {
		cache[ncache].path = ppv_xstrdup(path);
		cache[ncache++].pl = pl;
	}
	return pl;
}

void
ppv_stitch_done(void)
{
	for (size_t i = 0; i < ncache; i++) {
		free(cache[i].path);
		free(cache[i].pl->text);
		ppv_m3u8_free(cache[i].pl);
	}
	ncache = 0;
}

/* The media playlist of an ad for a variant: the rendition closest in bandwidth. */
static ppv_m3u8 *
ad_media(const char *path, int64_t bw, char *err, size_t cap)
{
	ppv_m3u8 *pl = load_cached(path, err, cap);

	if (!pl || !pl->master)
		return pl;
	if (!pl->nvars) {
		ppv_errf(err, cap, "%s: a master playlist without variants", path);
		return NULL;
	}
	size_t best = 0;
	for (size_t i = 1; i < pl->nvars; i++)
		if (llabs(pl->vars[i].bandwidth - bw) < llabs(pl->vars[best].bandwidth - bw))
			best = i;
	if (ppv_uri_absolute(pl->vars[best].uri) && strncmp(pl->vars[best].uri, "/", 1)) {
		ppv_errf(err, cap, "%s:%ld: remote variant '%s': ads must be local files", path,
		     pl->vars[best].line, pl->vars[best].uri);
		return NULL;
	}
	char *dir = ppv_dirname(path);
	char *media = pl->vars[best].uri[0] == '/' ? ppv_xstrdup(pl->vars[best].uri) : join(dir, pl->vars[best].uri);
	ppv_m3u8 *m = load_cached(media, err, cap);
	free(dir);
	free(media);
	if (m && m->master) {
		ppv_errf(err, cap, "%s: a variant that is itself a master playlist", m->path);
		return NULL;
	}
	return m;
}

/* decisions: what fills each break, made once per input for all variants -- */

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
};

static void
impression(const struct job *j, const struct pick *p, const char *brk)
{
	FILE *f = j->imp;
	char t[32];

	if (!f)
		return;
	ppv_csv_puts(f, ppv_time_format(j->cfg->now, t), 0);
	ppv_csv_puts(f, brk, 0);
	ppv_csv_puts(f, p->ad_id, 0);
	ppv_csv_puts(f, p->advertiser, 0);
	ppv_csv_puts(f, j->cfg->creator ? j->cfg->creator : "", 0);
	ppv_csv_puts(f, j->cfg->viewer ? j->cfg->viewer : "", 0);
	ppv_csv_puts(f, j->cfg->country ? j->cfg->country : "", 0);
	ppv_csv_puts(f, p->cpm, 0);
	ppv_csv_puts(f, ppv_m3u8_fmt_secs(p->dur, t), 1);
}

static struct decision *
decide(struct job *j, size_t idx, int64_t want, int64_t bw, const char *key)
{
	const ppv_stitch_cfg *cfg = j->cfg;

	if (idx >= j->ndec) {
		size_t n = idx + 16;
		j->dec = ppv_xrealloc(j->dec, n * sizeof *j->dec);
		memset(j->dec + j->ndec, 0, (n - j->ndec) * sizeof *j->dec);
		j->ndec = n;
	}
	struct decision *d = &j->dec[idx];
	if (d->made)
		return d;
	d->made = true;
	d->want = want;
	if (cfg->ad) {
		ppv_m3u8 *m = ad_media(cfg->ad, bw, j->err, j->errcap);
		if (!m)
			return NULL;
		if (want >= 0 && m->total > want + 500000) {
			if (!cfg->quiet)
				ppv_warn("%s: break %s: the ad (%.3fs) is longer than the break (%.3fs): %s",
					j->in, key, (double)m->total / 1e6, (double)want / 1e6,
					cfg->slate ? "slate only" : "left empty");
		} else {
			d->p[d->n++] = (struct pick){ cfg->ad, "ad", "", "0", m->total };
		}
	} else if (cfg->cat) {
		const ppv_ad *a[MAX_PICKS];
		int64_t filled;
		if (want < 0)
			want = d->want = 30000000;
		size_t n = ppv_adcat_fill(cfg->cat, want, cfg->viewer, key, cfg->subject ? cfg->subject : "",
					  cfg->now, a, MAX_PICKS, &filled);
		for (size_t i = 0; i < n; i++)
			d->p[d->n++] = (struct pick){ a[i]->playlist, a[i]->ad_id, a[i]->advertiser,
						      a[i]->cpm_text, a[i]->dur };
	}
	for (size_t i = 0; i < d->n; i++)
		impression(j, &d->p[i], key);
	return d;
}

/* the segments a pod is made of, with URIs as the output needs them ------ */

struct oseg {
	char *uri, *map, *key, *title;
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

static void
pod_free(struct pod *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->s[i].uri);
		free(p->s[i].map);
		free(p->s[i].key);
		free(p->s[i].title);
		free(p->s[i].extra);
	}
	free(p->s);
	memset(p, 0, sizeof *p);
}

/* The tag lines of a segment that travel with it: byte ranges, gaps, bitrates. */
static char *
seg_extra(const ppv_m3u8 *pl, const ppv_m3u8_seg *s, const char *todir)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = NULL;

	for (size_t k = s->tag0; k < s->tag0 + s->ntags; k++) {
		if (pl->tags[k].kind != PPV_TAG_OTHER)
			continue;
		if (!f && !(f = open_memstream(&buf, &len)))
			ppv_die(PPV_ERR, "out of memory");
		char *t = ppv_tag_rebase(pl->tags[k].text, pl->path, todir);
		fprintf(f, "%s%s", len ? "\n" : "", t);
		fflush(f);
		free(t);
	}
	if (f)
		fclose(f);
	return buf;
}

static void
pod_add(struct pod *p, const ppv_m3u8 *pl, const ppv_m3u8_seg *s, const char *todir, bool disc)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 32;
		p->s = ppv_xrealloc(p->s, p->cap * sizeof *p->s);
	}
	struct oseg *o = &p->s[p->n++];
	o->uri = ppv_uri_rebase(s->uri, pl->path, todir);
	o->map = s->map >= 0 ? ppv_tag_rebase(pl->tags[s->map].text, pl->path, todir) : NULL;
	o->key = s->key >= 0 ? ppv_tag_rebase(pl->tags[s->key].text, pl->path, todir) : NULL;
	o->title = ppv_xstrdup(s->title);
	o->extra = seg_extra(pl, s, todir);
	o->dur = s->dur;
	o->disc = disc || s->disc;
	p->dur += s->dur;
	if (pl->version > p->version)
		p->version = pl->version;
}

/* Whole slate segments, looping, while they fit in what is left. */
static int
pod_slate(struct pod *p, const ppv_stitch_cfg *cfg, int64_t left, int64_t bw, const char *todir,
	  char *err, size_t cap)
{
	if (!cfg->slate || left <= 0)
		return 0;
	ppv_m3u8 *sl = ad_media(cfg->slate, bw, err, cap);
	if (!sl)
		return -1;
	bool first = true;
	for (size_t guard = 0; sl->nsegs && guard < 10000; guard++) {
		const ppv_m3u8_seg *s = &sl->segs[guard % sl->nsegs];
		if (s->dur > left || s->dur <= 0)
			break;
		pod_add(p, sl, s, todir, first || guard % sl->nsegs == 0);
		first = false;
		left -= s->dur;
	}
	return 0;
}

static int
pod_build(struct pod *p, struct job *j, const struct decision *d, int64_t bw, const char *todir)
{
	for (size_t i = 0; i < d->n; i++) {
		ppv_m3u8 *m = ad_media(d->p[i].path, bw, j->err, j->errcap);
		if (!m)
			return -1;
		if (!m->endlist && !j->cfg->quiet)
			ppv_warn("%s: an ad without EXT-X-ENDLIST: taken as it is now", m->path);
		for (size_t k = 0; k < m->nsegs; k++)
			pod_add(p, m, &m->segs[k], todir, k == 0);
	}
	if (d->want >= 0)
		return pod_slate(p, j->cfg, d->want - p->dur, bw, todir, j->err, j->errcap);
	return 0;
}

/* breaks in a media playlist --------------------------------------------- */

struct brk {
	size_t b, e;                /* content [b, e) replaced, or b == e */
	int64_t want;               /* pod length, -1: as the ads */
	int64_t at;                 /* content time of the splice */
	uint32_t id;
};

/* From --at/--schedule: the segment boundary nearest each time. */
static size_t
breaks_given(const ppv_stitch_cfg *cfg, const ppv_m3u8 *pl, struct brk *out, char *err, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->nbreaks; i++) {
		const ppv_stitch_break *g = &cfg->breaks[i];
		int64_t t = 0, best_t = 0;
		size_t best = 0;
		for (size_t k = 0; k <= pl->nsegs; k++) {
			if (llabs(t - g->at) < llabs(best_t - g->at))
				best = k, best_t = t;
			if (k < pl->nsegs)
				t += pl->segs[k].dur;
		}
		struct brk b = { best, best, g->dur, best_t, g->id };
		if (cfg->replace) {
			if (g->dur < 0) {
				ppv_errf(err, cap, "%s: --replace with --at needs a duration (T/D)", pl->path);
				return SIZE_MAX;
			}
			int64_t cov = 0;
			while (b.e < pl->nsegs && cov + pl->segs[b.e].dur / 2 < g->dur)
				cov += pl->segs[b.e++].dur;
			b.want = cov;
		}
		if (n && out[n - 1].e > b.b) {
			ppv_errf(err, cap, "%s: breaks at %.3fs and %.3fs overlap", pl->path,
			     (double)out[n - 1].at / 1e6, (double)b.at / 1e6);
			return SIZE_MAX;
		}
		out[n++] = b;
	}
	return n;
}

/* From the cue markers: each window from its OUT (or a CONT that opens the
 * playlist) to its IN or the end of its duration. */
static size_t
breaks_cued(const ppv_stitch_cfg *cfg, const ppv_m3u8 *pl, struct brk *out)
{
	size_t n = 0;
	int64_t t = 0;

	for (size_t i = 0; i < pl->nsegs;) {
		const ppv_m3u8_seg *s = &pl->segs[i];
		bool open = s->cue == PPV_TAG_CUE_OUT || (s->cue == PPV_TAG_CUE_CONT && (i == 0 || n == 0));
		if (!open) {
			t += s->dur;
			i++;
			continue;
		}
		int64_t dur = s->cue_dur;
		if (s->cue == PPV_TAG_CUE_CONT && dur >= 0)
			dur -= s->cue_elapsed;
		struct brk b = { i, i, dur, t, (uint32_t)(pl->media_seq + i) };
		int64_t cov = 0;
		size_t e = i;
		while (e < pl->nsegs) {
			if (e > i && (pl->segs[e].cue == PPV_TAG_CUE_IN || pl->segs[e].cue == PPV_TAG_CUE_OUT))
				break;
			if (dur >= 0 && cov + pl->segs[e].dur / 2 >= dur && e > i)
				break;
			cov += pl->segs[e].dur;
			e++;
		}
		if (cfg->replace || cfg->live) {
			b.e = e;
			b.want = cov;
		}
		out[n++] = b;
		for (; i < e; i++)
			t += pl->segs[i].dur;
	}
	return n;
}

/* writing ----------------------------------------------------------------- */

struct out {
	FILE *f;
	char *map, *key;            /* in effect, as written */
	int64_t maxdur;
	int version;
	bool pending_disc;
};

static void
set_state(struct out *o, char **cur, const char *want, bool key)
{
	if ((*cur == NULL) == (want == NULL) && (!want || !strcmp(*cur, want)))
		return;
	if (want)
		fprintf(o->f, "%s\n", want);
	else if (key)
		fputs("#EXT-X-KEY:METHOD=NONE\n", o->f);
	free(*cur);
	*cur = ppv_xstrdup(want);
}

static void
put_seg(struct out *o, const struct oseg *s, bool disc, int64_t pdt)
{
	char b[40];

	if (disc || o->pending_disc)
		fputs("#EXT-X-DISCONTINUITY\n", o->f);
	o->pending_disc = false;
	set_state(o, &o->map, s->map, false);
	set_state(o, &o->key, s->key, true);
	if (s->map && o->version < 6)
		o->version = 6;   /* EXT-X-MAP outside I-frame playlists */
	if (s->extra && strstr(s->extra, "#EXT-X-BYTERANGE") && o->version < 4)
		o->version = 4;
	if (pdt != INT64_MIN)
		fprintf(o->f, "#EXT-X-PROGRAM-DATE-TIME:%s\n", ppv_pdt_format(pdt, b));
	if (s->extra)
		fprintf(o->f, "%s\n", s->extra);
	/* the line every segment has: no printf, it is most of the output */
	fputs("#EXTINF:", o->f);
	fputs(ppv_m3u8_fmt_secs(s->dur, b), o->f);
	putc(',', o->f);
	if (s->title)
		fputs(s->title, o->f);
	putc('\n', o->f);
	fputs(s->uri, o->f);
	putc('\n', o->f);
	if (s->dur > o->maxdur)
		o->maxdur = s->dur;
}

static bool
is_cue(enum ppv_tag k)
{
	return k == PPV_TAG_CUE_OUT || k == PPV_TAG_CUE_CONT || k == PPV_TAG_CUE_IN || k == PPV_TAG_CUE_OTHER;
}

/* The tags of a content segment that stitching does not rewrite. */
static void
put_tags(struct out *o, const ppv_m3u8 *pl, size_t t0, size_t nt, bool drop_cues, const char *todir)
{
	for (size_t k = t0; k < t0 + nt; k++) {
		const ppv_m3u8_line *l = &pl->tags[k];
		if (l->kind == PPV_TAG_MAP || l->kind == PPV_TAG_KEY || l->kind == PPV_TAG_PDT ||
		    l->kind == PPV_TAG_DISC || (drop_cues && is_cue(l->kind)))
			continue;
		char *t = ppv_tag_rebase(l->text, pl->path, todir);
		fprintf(o->f, "%s\n", t);
		free(t);
	}
}

static void
content_oseg(struct oseg *s, const ppv_m3u8 *pl, const ppv_m3u8_seg *c, const char *todir)
{
	s->uri = ppv_uri_rebase(c->uri, pl->path, todir);
	s->map = c->map >= 0 ? ppv_tag_rebase(pl->tags[c->map].text, pl->path, todir) : NULL;
	s->key = c->key >= 0 ? ppv_tag_rebase(pl->tags[c->key].text, pl->path, todir) : NULL;
	s->title = c->title;
	s->extra = NULL;    /* put_tags writes a content segment's own tags */
	s->dur = c->dur;
	s->disc = c->disc;
}

static void
cue_hex(char *out, uint32_t id, int64_t pts_us, int64_t dur_us, bool outcue)
{
	static ppv_scte35 c;
	uint8_t sec[PPV_SCTE35_MAX];

	ppv_scte35_init(&c);
	c.command_type = PPV_SPLICE_INSERT;
	c.insert.event_id = id;
	c.insert.out_of_network = outcue;
	c.insert.program_splice = true;
	c.insert.time.specified = true;
	c.insert.time.pts = (uint64_t)ppv_us_to_ticks(pts_us) & ((UINT64_C(1) << 33) - 1);
	if (outcue) {
		c.insert.has_duration = c.insert.auto_return = true;
		c.insert.duration = (uint64_t)ppv_us_to_ticks(dur_us);
	}
	ppv_scte35_hex(out, sec, (size_t)ppv_scte35_encode(&c, sec, sizeof sec));
}

static void
put_header(FILE *f, const ppv_m3u8 *pl, int version, int64_t maxdur, int64_t mseq, int64_t dseq)
{
	int64_t target = (maxdur + 500000) / 1000000;

	if (pl->target > target)
		target = pl->target;
	fprintf(f, "#EXTM3U\n#EXT-X-VERSION:%d\n#EXT-X-TARGETDURATION:%" PRId64 "\n", version, target);
	fprintf(f, "#EXT-X-MEDIA-SEQUENCE:%" PRId64 "\n", mseq);
	if (dseq)
		fprintf(f, "#EXT-X-DISCONTINUITY-SEQUENCE:%" PRId64 "\n", dseq);
	for (size_t i = 0; i < pl->nhead; i++)
		fprintf(f, "%s\n", pl->head[i]);
}

/* Writes text to path atomically, or to stdout for "-". */
static int
commit(const char *path, const char *text, size_t n, char *err, size_t cap)
{
	static char *made;

	if (!strcmp(path, "-")) {
		if (fwrite(text, 1, n, stdout) != n || fflush(stdout) == EOF)
			return ppv_errf(err, cap, "stdout: %s", strerror(errno));
		return 0;
	}
	/* -o DIR mirrors the input tree: make the directories on the way,
	 * once per directory in a row of files that share it */
	char *dir = ppv_dirname(path);
	if (!made || strcmp(made, dir)) {
		ppv_mkdirs(dir);   /* a failure shows when the file is written */
		free(made);
		made = ppv_xstrdup(dir);
	}
	free(dir);
	if (ppv_atomic_write(path, text, n, 0644) < 0)
		return ppv_errf(err, cap, "%s: %s", path, strerror(errno));
	return 0;
}

/* one media playlist (VOD or event), stitched or with interstitials ------ */

/* A break announced as HLS Interstitials: the content stays as it is. */
static void
put_interstitials(struct out *o, const struct brk *b, const struct decision *d, const char *key,
		  int64_t at_pdt, const char *todir)
{
	int64_t resume = b->e > b->b ? b->want : 0;
	char date[40], dur[32], res[32];

	for (size_t k = 0; k < d->n; k++) {
		char *uri = ppv_uri_rebase(d->p[k].path, "./x", todir);
		fprintf(o->f, "#EXT-X-DATERANGE:ID=\"ppv-%s-%zu\",CLASS=\"com.apple.hls.interstitial\","
			"START-DATE=\"%s\",DURATION=%s,X-ASSET-URI=\"%s\",X-RESUME-OFFSET=%s,"
			"X-RESTRICT=\"SKIP,JUMP\"\n", key, k + 1, ppv_pdt_format(at_pdt, date),
			ppv_m3u8_fmt_secs(d->p[k].dur, dur), uri,
			ppv_m3u8_fmt_secs(k + 1 == d->n ? resume : 0, res));
		free(uri);
	}
}

/* A pod stitched in, with its cue lines; returns its length (-1: failed). */
static int64_t
put_pod(struct job *j, struct out *o, const ppv_m3u8 *pl, const struct brk *b, const struct decision *d,
	int64_t bw, const char *todir, const char *key, int64_t at_pdt)
{
	static char hex[2 * PPV_SCTE35_MAX + 3];
	char date[40], num[32];
	struct pod p = { 0 };

	if (pod_build(&p, j, d, bw, todir) < 0) {
		pod_free(&p);
		return -1;
	}
	if (p.version > o->version)
		o->version = p.version;
	if (p.n) {
		fprintf(o->f, "#EXT-X-CUE-OUT:DURATION=%s\n", ppv_m3u8_fmt_secs(p.dur, num));
		if (pl->uses_daterange) {
			cue_hex(hex, b->id, b->at, p.dur, true);
			fprintf(o->f, "#EXT-X-DATERANGE:ID=\"ppv-%s\",START-DATE=\"%s\",PLANNED-DURATION=%s,SCTE35-OUT=%s\n",
				key, ppv_pdt_format(at_pdt, date), num, hex);
		}
		int64_t t = at_pdt;
		for (size_t k = 0; k < p.n; k++) {
			put_seg(o, &p.s[k], k == 0 || p.s[k].disc, pl->has_pdt && (k == 0 || p.s[k].disc) ? t : INT64_MIN);
			t += p.s[k].dur / 1000;
		}
		if (pl->uses_daterange) {
			cue_hex(hex, b->id, b->at + p.dur, 0, false);
			fprintf(o->f, "#EXT-X-DATERANGE:ID=\"ppv-%s\",START-DATE=\"%s\",END-DATE=\"%s\",SCTE35-IN=%s\n",
				key, ppv_pdt_format(at_pdt, date), ppv_pdt_format(t, num), hex);
		}
		fputs("#EXT-X-CUE-IN\n", o->f);
		o->pending_disc = true;
	}
	int64_t len = p.dur;
	pod_free(&p);
	return len;
}

static int
stitch_media(struct job *j, ppv_m3u8 *pl, int64_t bw, const char *outpath)
{
	const ppv_stitch_cfg *cfg = j->cfg;
	char *todir = strcmp(outpath, "-") ? ppv_dirname(outpath) : ppv_xstrdup(cfg->stdout_dir ? cfg->stdout_dir : ".");
	struct brk *br = calloc(pl->nsegs + cfg->nbreaks + 1, sizeof *br);
	bool cued = cfg->nbreaks == 0;
	size_t nb = cued ? breaks_cued(cfg, pl, br) : breaks_given(cfg, pl, br, j->err, j->errcap);
	struct out o = { .version = pl->version };
	char *body = NULL, *all = NULL;
	size_t bodylen = 0, alllen = 0;
	int rc = -1;

	if (nb == SIZE_MAX)
		goto done;
	o.f = open_memstream(&body, &bodylen);
	int64_t shift = 0;          /* ms the pods added to the date lines */
	bool pdt_anchor = cfg->interstitials && !pl->has_pdt;
	for (size_t i = 0, bi = 0; i <= pl->nsegs;) {
		if (bi < nb && br[bi].b == i) {
			/* a break here: its pod, then past the content it replaces */
			const struct brk *b = &br[bi];
			char key[32];
			snprintf(key, sizeof key, "%" PRIu32, b->id);
			struct decision *d = decide(j, bi++, b->want, bw, key);
			if (!d)
				goto done;
			const ppv_m3u8_seg *last = pl->nsegs ? &pl->segs[pl->nsegs - 1] : NULL;
			int64_t at_pdt = (i < pl->nsegs ? pl->segs[i].pdt : last ? last->pdt + last->dur / 1000 : 0) +
					 (pdt_anchor ? PDT_ANCHOR : 0) + shift;
			if (cfg->interstitials) {
				put_interstitials(&o, b, d, key, at_pdt, todir);
				continue;
			}
			int64_t len = put_pod(j, &o, pl, b, d, bw, todir, key, at_pdt);
			if (len < 0)
				goto done;
			if (len == 0)
				continue;   /* nothing to put in: the content stays */
			for (; i < b->e; i++)
				len -= pl->segs[i].dur;
			shift += len / 1000;
			continue;
		}
		if (i == pl->nsegs)
			break;
		const ppv_m3u8_seg *c = &pl->segs[i];
		struct oseg s;
		int64_t pdt = INT64_MIN;
		/* a date line wherever the source had one and after every pod */
		if (pl->has_pdt && (c->dated || i == 0 || c->disc || o.pending_disc))
			pdt = c->pdt + shift;
		else if (pdt_anchor && i == 0)
			pdt = c->pdt + PDT_ANCHOR;
		content_oseg(&s, pl, c, todir);
		put_tags(&o, pl, c->tag0, c->ntags, cued, todir);
		put_seg(&o, &s, c->disc, pdt);
		free(s.uri);
		free(s.map);
		free(s.key);
		i++;
	}
	put_tags(&o, pl, pl->tail0, pl->ntags - pl->tail0, cued, todir);
	if (pl->endlist)
		fputs("#EXT-X-ENDLIST\n", o.f);
	fclose(o.f);
	o.f = NULL;

	FILE *f = open_memstream(&all, &alllen);
	put_header(f, pl, o.version, o.maxdur, pl->media_seq, pl->disc_seq);
	fwrite(body, 1, bodylen, f);
	fclose(f);
	rc = commit(outpath, all, alllen, j->err, j->errcap);
done:
	if (o.f)
		fclose(o.f);
	free(o.map);
	free(o.key);
	free(body);
	free(all);
	free(br);
	free(todir);
	return rc;
}

/* live: the same timeline across refreshes of a sliding window ----------- */

/* What earlier refreshes placed, for one output playlist. Content items are
 * named by their input media sequence number, pod items by break and index. */
struct shown {
	int64_t msn;
	bool disc;
	char kind;                  /* 'c' content, 'a' pod */
	int64_t key, k;
};

struct lbreak {
	int64_t key, want;
	struct pod pod;
	int64_t *cmsn, *cdur;       /* the break's content segments seen, in order */
	size_t nc;
	bool done;
};

struct lstate {
	char *name;
	int64_t seq, disc;
	int64_t win0, win1;         /* the last window stitched: its first and past-last MSN */
	struct shown *sh;
	size_t nsh;
	struct lbreak *br;
	size_t nbr;
};

static struct lstate *states;
static size_t nstates;
static char *state_path;

static void *
push(void *v, size_t n, size_t size)
{
	return ppv_xrealloc(v, (n + 1) * size);
}

static struct lstate *
state_for(const char *name)
{
	for (size_t i = 0; i < nstates; i++)
		if (!strcmp(states[i].name, name))
			return &states[i];
	states = push(states, nstates, sizeof *states);
	memset(&states[nstates], 0, sizeof *states);
	states[nstates].name = ppv_xstrdup(name);
	return &states[nstates++];
}

static char *
field(char **p, char sep)
{
	char *s = *p, *e = s ? strchr(s, sep) : NULL;

	if (!s)
		return NULL;
	if (e) {
		*e = '\0';
		*p = e + 1;
	} else {
		*p = NULL;
	}
	return s;
}

static void
states_clear(void)
{
	for (size_t i = 0; i < nstates; i++) {
		struct lstate *s = &states[i];
		for (size_t k = 0; k < s->nbr; k++) {
			pod_free(&s->br[k].pod);
			free(s->br[k].cmsn);
			free(s->br[k].cdur);
		}
		free(s->br);
		free(s->sh);
		free(s->name);
	}
	free(states);
	states = NULL;
	nstates = 0;
}

/* A sequence number read back: what a playlist may hold (m3u8.h), never near
 * where adding a window's count would overflow. */
static bool
seq_ok(const char *s, int64_t *v)
{
	char *end;

	errno = 0;
	long long x = strtoll(s, &end, 10);
	if (errno || end == s || *end || x < 0 || x > PPV_M3U8_MAXSEQ)
		return false;
	*v = x;
	return true;
}

static int state_parse(FILE *f, const char *path, char *err, size_t cap);

/* The state file: a line a record, written whole and renamed into place. One
 * that cannot be read would stop every refresh until someone deleted it: it
 * is set aside, said, and the viewers' numbering starts afresh. */
static int
state_load(const char *path, char *err, size_t cap)
{
	if (state_path && !strcmp(state_path, path))
		return 0;
	free(state_path);
	state_path = ppv_xstrdup(path);
	/* two refreshes at once would each undo what the other placed: the
	 * second waits (the lock goes with the process) */
	char *lock = ppv_xasprintf("%s.lock", path);
	int lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(lock);
	if (lfd < 0 || flock(lfd, LOCK_EX) < 0)
		return ppv_errf(err, cap, "%s.lock: %s", path, strerror(errno));
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : ppv_errf(err, cap, "%s: %s", path, strerror(errno));
	int rc = state_parse(f, path, err, cap);
	fclose(f);
	if (rc < 0) {
		char *aside = ppv_xasprintf("%s.damaged", path);
		if (rename(path, aside) < 0) {
			free(aside);
			return rc;  /* the error as it was: nothing was changed */
		}
		ppv_warn("%s; set aside as %s, starting afresh", err, aside);
		free(aside);
		states_clear();
		rc = 0;
	}
	return rc;
}

static int
state_parse(FILE *f, const char *path, char *err, size_t cap)
{
	char *line = NULL;
	size_t lcap = 0;
	long lineno = 0;
	ssize_t n;
	struct lstate *s = NULL;
	struct lbreak *b = NULL;
	int rc = 0;
	while ((n = getline(&line, &lcap, f)) > 0) {
		lineno++;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		char *p = line, *tag = field(&p, ' ');
		if (lineno == 1) {
			if (strcmp(line, "ppv-splice-state") || !p || strcmp(p, "1")) {
				rc = ppv_errf(err, cap, "%s:1: not a ppv-splice state file", path);
				break;
			}
			continue;
		}
		if (!strcmp(tag, "playlist") && p) {
			s = state_for(p);
			b = NULL;
		} else if (s && !strcmp(tag, "seq") && p) {
			if (!seq_ok(p, &s->seq)) {
				rc = ppv_errf(err, cap, "%s:%ld: bad seq record", path, lineno);
				break;
			}
		} else if (s && !strcmp(tag, "disc") && p) {
			if (!seq_ok(p, &s->disc)) {
				rc = ppv_errf(err, cap, "%s:%ld: bad disc record", path, lineno);
				break;
			}
		} else if (s && !strcmp(tag, "window") && p) {
			char *a = field(&p, ' ');
			if (!p || !seq_ok(a, &s->win0) || !seq_ok(p, &s->win1)) {
				rc = ppv_errf(err, cap, "%s:%ld: bad window record", path, lineno);
				break;
			}
		} else if (s && !strcmp(tag, "shown") && p) {
			struct shown h = { 0 };
			char kind;
			int d;
			if (sscanf(p, "%" SCNd64 " %d %c %" SCNd64 " %" SCNd64, &h.msn, &d, &kind, &h.key, &h.k) < 5) {
				rc = ppv_errf(err, cap, "%s:%ld: bad shown record", path, lineno);
				break;
			}
			h.disc = d;
			h.kind = kind;
			s->sh = push(s->sh, s->nsh, sizeof *s->sh);
			s->sh[s->nsh++] = h;
		} else if (s && !strcmp(tag, "break") && p) {
			s->br = push(s->br, s->nbr, sizeof *s->br);
			b = &s->br[s->nbr++];
			memset(b, 0, sizeof *b);
			int done = 0;
			sscanf(p, "%" SCNd64 " %" SCNd64 " %d", &b->key, &b->want, &done);
			b->done = done;
		} else if (b && !strcmp(tag, "content") && p) {
			b->cmsn = push(b->cmsn, b->nc, sizeof *b->cmsn);
			b->cdur = push(b->cdur, b->nc, sizeof *b->cdur);
			sscanf(p, "%" SCNd64 " %" SCNd64, &b->cmsn[b->nc], &b->cdur[b->nc]);
			b->nc++;
		} else if (b && !strcmp(tag, "seg") && p) {
			struct pod *pd = &b->pod;
			if (pd->n == pd->cap) {
				pd->cap = pd->cap ? 2 * pd->cap : 16;
				pd->s = realloc(pd->s, pd->cap * sizeof *pd->s);
			}
			struct oseg *o = &pd->s[pd->n];
			memset(o, 0, sizeof *o);
			char *dur = field(&p, ' '), *disc = field(&p, ' ');
			char *uri = field(&p, '\t'), *map = field(&p, '\t'), *key = field(&p, '\t');
			if (!dur || !disc || !uri || !map || !key) {
				rc = ppv_errf(err, cap, "%s:%ld: bad seg record", path, lineno);
				break;
			}
			o->dur = atoll(dur);
			o->disc = atoi(disc);
			o->uri = ppv_xstrdup(uri);
			o->map = strcmp(map, "-") ? ppv_xstrdup(map) : NULL;
			o->key = strcmp(key, "-") ? ppv_xstrdup(key) : NULL;
			o->title = ppv_xstrdup("");
			if (p && *p) {
				/* the rest: its other tag lines, tab-separated */
				size_t el = strlen(p);
				if (p[el - 1] == '\t')
					p[--el] = '\0';
				o->extra = ppv_xstrdup(p);
				for (char *x = o->extra; *x; x++)
					if (*x == '\t')
						*x = '\n';
			}
			pd->dur += o->dur;
			pd->n++;
		} else {
			rc = ppv_errf(err, cap, "%s:%ld: unknown record '%s'", path, lineno, tag);
			break;
		}
	}
	free(line);
	return rc;
}

static int
state_save(char *err, size_t cap)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	fputs("ppv-splice-state 1\n", f);
	for (size_t i = 0; i < nstates; i++) {
		struct lstate *s = &states[i];
		fprintf(f, "playlist %s\nseq %" PRId64 "\ndisc %" PRId64 "\nwindow %" PRId64 " %" PRId64 "\n", s->name,
			s->seq, s->disc, s->win0, s->win1);
		for (size_t k = 0; k < s->nsh; k++)
			fprintf(f, "shown %" PRId64 " %d %c %" PRId64 " %" PRId64 "\n", s->sh[k].msn,
				s->sh[k].disc, s->sh[k].kind, s->sh[k].key, s->sh[k].k);
		for (size_t k = 0; k < s->nbr; k++) {
			struct lbreak *b = &s->br[k];
			fprintf(f, "break %" PRId64 " %" PRId64 " %d\n", b->key, b->want, b->done);
			for (size_t m = 0; m < b->nc; m++)
				fprintf(f, "content %" PRId64 " %" PRId64 "\n", b->cmsn[m], b->cdur[m]);
			for (size_t m = 0; m < b->pod.n; m++) {
				struct oseg *o = &b->pod.s[m];
				fprintf(f, "seg %" PRId64 " %d %s\t%s\t%s", o->dur, o->disc, o->uri,
					o->map ? o->map : "-", o->key ? o->key : "-");
				if (o->extra)
					putc('\t', f);
				for (const char *x = o->extra; x && *x; x++)
					putc(*x == '\n' ? '\t' : *x, f);
				putc('\n', f);
			}
		}
	}
	fclose(f);
	int rc = commit(state_path, text, len, err, cap);
	free(text);
	return rc;
}

static struct lbreak *
find_break(struct lstate *s, int64_t key)
{
	for (size_t i = 0; i < s->nbr; i++)
		if (s->br[i].key == key)
			return &s->br[i];
	return NULL;
}

/* The break a window that opens with CONT continues: the latest one seen. */
static struct lbreak *
open_break(struct lstate *s, int64_t msn)
{
	struct lbreak *best = NULL;

	for (size_t i = 0; i < s->nbr; i++)
		if (s->br[i].key <= msn && (!best || s->br[i].key > best->key))
			best = &s->br[i];
	return best;
}

static struct shown *
find_shown(struct lstate *s, char kind, int64_t key, int64_t k)
{
	for (size_t i = 0; i < s->nsh; i++)
		if (s->sh[i].kind == kind && s->sh[i].key == key && s->sh[i].k == k)
			return &s->sh[i];
	return NULL;
}

struct item {
	char kind;
	int64_t key, k;
	const ppv_m3u8_seg *seg;    /* content */
	struct oseg *pseg;          /* pod */
	int64_t pdt;
	bool disc, cue_out, cue_in;
};

static int
stitch_live(struct job *j, ppv_m3u8 *pl, int64_t bw, const char *outpath)
{
	const ppv_stitch_cfg *cfg = j->cfg;
	char *todir = strcmp(outpath, "-") ? ppv_dirname(outpath) : ppv_xstrdup(cfg->stdout_dir ? cfg->stdout_dir : ".");
	struct brk *br = calloc(pl->nsegs + 1, sizeof *br);
	size_t nb = breaks_cued(cfg, pl, br);
	struct item *it = calloc(2 * pl->nsegs + 1, sizeof *it);
	size_t ni = 0, itcap = 2 * pl->nsegs + 1;
	char *body = NULL, *all = NULL;
	size_t bodylen = 0, alllen = 0;
	int rc = -1;

	if (state_load(cfg->state, j->err, j->errcap) < 0)
		goto done;
	struct lstate *st = state_for(outpath);
	int64_t end = pl->media_seq + (int64_t)pl->nsegs;
	if (pl->media_seq < st->win0 || end < st->win1) {
		/* read before a newer one was stitched: its numbers would go back */
		if (!cfg->quiet)
			ppv_warn("%s: a window older than the last stitched (segments %" PRId64
				" to %" PRId64 ", then %" PRId64 " to %" PRId64 "): %s stays as it was", pl->path,
				pl->media_seq, end - 1, st->win0, st->win1 - 1, outpath);
		rc = 0;
		goto done;
	}
	st->win0 = pl->media_seq, st->win1 = end;
	if (st->seq == 0 && st->nsh == 0)
		st->seq = pl->media_seq;
	size_t bi = 0;
	for (size_t i = 0; i < pl->nsegs;) {
		int64_t msn = pl->media_seq + (int64_t)i;
		if (bi < nb && br[bi].b == i) {
			struct brk *b = &br[bi++];
			struct lbreak *lb = pl->segs[i].cue == PPV_TAG_CUE_CONT ? open_break(st, msn) : NULL;
			if (!lb)
				lb = find_break(st, msn);
			if (!lb) {
				st->br = push(st->br, st->nbr, sizeof *st->br);
				lb = &st->br[st->nbr++];
				memset(lb, 0, sizeof *lb);
				lb->key = msn;
				lb->want = pl->segs[i].cue_dur;
				if (pl->segs[i].cue == PPV_TAG_CUE_CONT && lb->want >= 0)
					lb->want -= pl->segs[i].cue_elapsed;
				char key[32];
				snprintf(key, sizeof key, "%" PRId64, msn);
				struct decision *d = decide(j, bi - 1, lb->want, bw, key);
				if (!d || pod_build(&lb->pod, j, d, bw, todir) < 0)
					goto done;
				if (lb->want < 0)
					lb->want = d->want;
			}
			/* the content of the break in this window, by its place in the break */
			for (size_t k = b->b; k < b->e; k++) {
				int64_t m = pl->media_seq + (int64_t)k;
				bool seen = false;
				for (size_t x = 0; x < lb->nc; x++)
					seen |= lb->cmsn[x] == m;
				if (!seen) {
					lb->cmsn = push(lb->cmsn, lb->nc, sizeof *lb->cmsn);
					lb->cdur = push(lb->cdur, lb->nc, sizeof *lb->cdur);
					lb->cmsn[lb->nc] = m;
					lb->cdur[lb->nc++] = pl->segs[k].dur;
				}
			}
			int64_t w0 = 0, w1 = 0, first = pl->media_seq + (int64_t)b->b;
			for (size_t x = 0; x < lb->nc; x++) {
				if (lb->cmsn[x] < first)
					w0 += lb->cdur[x];
				w1 += lb->cdur[x];
			}
			if (b->e < pl->nsegs)
				lb->done = true;
			int64_t s0 = 0;
			for (size_t k = 0; k < lb->pod.n; k++) {
				int64_t s1 = s0 + lb->pod.s[k].dur;
				bool show = s1 > w0 && (s0 < w1 || lb->done);
				if (show && ni < itcap) {
					int64_t base = (b->b < pl->nsegs ? pl->segs[b->b].pdt : 0) - w0 / 1000;
					it[ni++] = (struct item){ 'a', lb->key, (int64_t)k, NULL, &lb->pod.s[k],
								  base + s0 / 1000, k == 0 || lb->pod.s[k].disc,
								  k == 0, lb->done && k + 1 == lb->pod.n };
				}
				s0 = s1;
			}
			i = b->e > b->b ? b->e : b->b + 1;
			continue;
		}
		bool after_pod = ni && it[ni - 1].kind == 'a';
		if (ni < itcap)
			it[ni++] = (struct item){ 'c', msn, 0, &pl->segs[i], NULL, pl->segs[i].pdt,
						  pl->segs[i].disc || after_pod, false, false };
		i++;
	}

	/* numbers: what was shown keeps its number, the new get the next ones */
	int64_t firstmsn = -1;
	for (size_t i = 0; i < ni; i++) {
		struct shown *h = find_shown(st, it[i].kind, it[i].key, it[i].k);
		if (h) {
			it[i].disc = h->disc;
		} else {
			st->sh = push(st->sh, st->nsh, sizeof *st->sh);
			st->sh[st->nsh++] = (struct shown){ st->seq++, it[i].disc, it[i].kind, it[i].key, it[i].k };
			h = &st->sh[st->nsh - 1];
		}
		if (i == 0)
			firstmsn = h->msn;
		else if (h->msn != firstmsn + (int64_t)i && !cfg->quiet)
			ppv_warn("%s: segment %zu numbered %" PRId64 ", not %" PRId64,
				pl->path, i, h->msn, firstmsn + (int64_t)i);
	}
	/* what slid out counts its discontinuities into the sequence */
	size_t keep = 0;
	for (size_t i = 0; i < st->nsh; i++) {
		if (firstmsn >= 0 && st->sh[i].msn < firstmsn) {
			st->disc += st->sh[i].disc;
			continue;
		}
		st->sh[keep++] = st->sh[i];
	}
	st->nsh = keep;
	/* breaks wholly gone from the window are forgotten */
	keep = 0;
	for (size_t i = 0; i < st->nbr; i++) {
		struct lbreak *b = &st->br[i];
		bool live_ = false;
		for (size_t k = 0; k < st->nsh; k++)
			live_ |= st->sh[k].kind == 'a' && st->sh[k].key == b->key;
		for (size_t k = 0; k < b->nc; k++)
			live_ |= b->cmsn[k] >= pl->media_seq;
		if (!live_) {
			pod_free(&b->pod);
			free(b->cmsn);
			free(b->cdur);
			continue;
		}
		st->br[keep++] = *b;
	}
	st->nbr = keep;
	/* items point into breaks that may have moved: look them up again */
	for (size_t i = 0; i < ni; i++)
		if (it[i].kind == 'a') {
			struct lbreak *b = find_break(st, it[i].key);
			it[i].pseg = b ? &b->pod.s[it[i].k] : NULL;
		}

	struct out o = { .version = pl->version };
	o.f = open_memstream(&body, &bodylen);
	for (size_t i = 0; i < ni; i++) {
		struct item *x = &it[i];
		char num[32];
		if (x->kind == 'a') {
			if (!x->pseg)
				continue;
			if (x->cue_out) {
				struct lbreak *b = find_break(st, x->key);
				fprintf(o.f, "#EXT-X-CUE-OUT:DURATION=%s\n", ppv_m3u8_fmt_secs(b ? b->pod.dur : 0, num));
			}
			put_seg(&o, x->pseg, x->disc, pl->has_pdt && (x->disc || i == 0) ? x->pdt : INT64_MIN);
			if (x->cue_in)
				fputs("#EXT-X-CUE-IN\n", o.f);
			if (x->pseg->map && o.version < 6)
				o.version = 6;
		} else {
			struct oseg s;
			content_oseg(&s, pl, x->seg, todir);
			put_tags(&o, pl, x->seg->tag0, x->seg->ntags, true, todir);
			put_seg(&o, &s, x->disc, pl->has_pdt && (x->disc || i == 0 || x->seg->dated) ? x->pdt : INT64_MIN);
			free(s.uri);
			free(s.map);
			free(s.key);
		}
	}
	if (pl->endlist)
		fputs("#EXT-X-ENDLIST\n", o.f);
	fclose(o.f);
	free(o.map);
	free(o.key);
	FILE *f = open_memstream(&all, &alllen);
	put_header(f, pl, o.version, o.maxdur, firstmsn < 0 ? st->seq : firstmsn, st->disc);
	fwrite(body, 1, bodylen, f);
	fclose(f);
	rc = commit(outpath, all, alllen, j->err, j->errcap);
	if (rc == 0)
		rc = state_save(j->err, j->errcap);
done:
	free(body);
	free(all);
	free(it);
	free(br);
	free(todir);
	return rc;
}

/* a master playlist: each variant stitched beside the output ------------- */

static int
stitch_master(struct job *j, ppv_m3u8 *m, const char *outpath)
{
	char *indir = ppv_dirname(m->path), *outdir, *text = NULL;
	size_t len = 0;
	int rc = -1;
	bool warned = false;

	if (!strcmp(outpath, "-")) {
		free(indir);
		return ppv_errf(j->err, j->errcap, "%s: a master playlist needs -o: its variants are written beside it",
			    m->path);
	}
	outdir = ppv_dirname(outpath);
	FILE *f = open_memstream(&text, &len);
	fputs("#EXTM3U\n", f);
	if (m->version > 1)
		fprintf(f, "#EXT-X-VERSION:%d\n", m->version);
	for (size_t i = 0; i < m->nmhead; i++) {
		const char *l = m->mhead[i];
		/* an I-frame playlist of the content alone would seek into the wrong
		 * place once ads are in: better none */
		if (!strncmp(l, "#EXT-X-I-FRAME-STREAM-INF", 25)) {
			if (!j->cfg->quiet)
				ppv_warn("%s: I-frame playlists dropped: they do not know the ads",
					m->path);
			continue;
		}
		if (!strncmp(l, "#EXT-X-MEDIA:", 13) && strstr(l, "URI=\"") && !warned && !j->cfg->quiet) {
			ppv_warn("%s: renditions in EXT-X-MEDIA are not stitched (ads need muxed audio)",
				m->path);
			warned = true;
		}
		char *t = ppv_tag_rebase(l, m->path, outdir);
		fprintf(f, "%s\n", t);
		free(t);
	}
	for (size_t i = 0; i < m->nvars; i++) {
		ppv_m3u8_variant *v = &m->vars[i];
		if (ppv_uri_absolute(v->uri)) {
			ppv_errf(j->err, j->errcap, "%s:%ld: remote variant '%s' cannot be stitched", m->path, v->line, v->uri);
			goto done;
		}
		char *src = join(indir, v->uri), vname[32];
		size_t ql = strcspn(v->uri, "?#");
		bool plain = !strstr(v->uri, "..") && ql == strlen(v->uri);
		snprintf(vname, sizeof vname, "ppv-v%zu.m3u8", i + 1);
		char *dst = join(outdir, plain ? v->uri : vname);
		ppv_m3u8 *pl = ppv_m3u8_load(src, j->err, j->errcap);
		int r = -1;
		if (pl && pl->master)
			ppv_errf(j->err, j->errcap, "%s: a variant that is itself a master playlist", src);
		else if (pl)
			r = j->cfg->live ? stitch_live(j, pl, v->bandwidth, dst) : stitch_media(j, pl, v->bandwidth, dst);
		if (pl) {
			free(pl->text);
			ppv_m3u8_free(pl);
		}
		fprintf(f, "%s\n%s\n", v->inf, plain ? v->uri : vname);
		free(src);
		free(dst);
		if (r < 0)
			goto done;
	}
	fclose(f);
	f = NULL;
	rc = commit(outpath, text, len, j->err, j->errcap);
done:
	if (f)
		fclose(f);
	free(text);
	free(indir);
	free(outdir);
	return rc;
}

int
ppv_stitch(const ppv_stitch_cfg *cfg, const char *in, const char *out, char *err, size_t cap)
{
	struct job j = { .cfg = cfg, .in = in, .err = err, .errcap = cap };
	int rc;

	/* live: the state's lock first, so the window read is never older than
	 * the one a refresh before this one stitched */
	if (cfg->live && state_load(cfg->state, err, cap) < 0)
		return -1;
	ppv_m3u8 *pl = ppv_m3u8_load(in, err, cap);
	if (!pl)
		return -1;
	if (cfg->impressions)
		j.imp = open_memstream(&j.impbuf, &j.implen);
	rc = pl->master ? stitch_master(&j, pl, out)
	   : cfg->live ? stitch_live(&j, pl, 0, out) : stitch_media(&j, pl, 0, out);
	if (j.imp) {
		fclose(j.imp);
		if (rc == 0 && j.implen && (fwrite(j.impbuf, 1, j.implen, cfg->impressions) != j.implen ||
					    fflush(cfg->impressions) == EOF))
			rc = ppv_errf(err, cap, "impressions: %s", strerror(errno));
		free(j.impbuf);
	}
	free(pl->text);
	ppv_m3u8_free(pl);
	free(j.dec);
	return rc;
}
