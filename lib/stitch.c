/* stitch.c: ad pods stitched into HLS media and master playlists, or announced as HLS Interstitials. */
#include "stitch.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomic.h"
#include "cli.h"
#include "codec.h"
#include "csvio.h"
#include "m3u8.h"
#include "progress.h"
#include "scte35.h"
#include "stitchint.h"
#include "when.h"

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

/* The media playlist of an ad for a variant: the rendition closest in
 * bandwidth; of one as far above as another is below, the lower, which the
 * link that chose this variant can carry, whatever the ad master's order. */
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
	for (size_t i = 1; i < pl->nvars; i++) {
		int64_t d = llabs(pl->vars[i].bandwidth - bw), b = llabs(pl->vars[best].bandwidth - bw);
		if (d < b || (d == b && pl->vars[i].bandwidth < pl->vars[best].bandwidth))
			best = i;
	}
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

struct decision *
ppv_stitch_decide(struct job *j, size_t idx, int64_t want, int64_t bw, const char *key)
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

void
ppv_stitch_oseg_free(struct oseg *s)
{
	free(s->uri);
	free(s->map);
	free(s->map_key);
	free(s->key);
	free(s->title);
	free(s->extra);
}

void
ppv_stitch_pod_free(struct pod *p)
{
	for (size_t i = 0; i < p->n; i++)
		ppv_stitch_oseg_free(&p->s[i]);
	free(p->s);
	memset(p, 0, sizeof *p);
}

/* A segment's map and keys, with URIs as the output needs them. */
static void
keys_and_map(struct oseg *o, const ppv_m3u8 *pl, const ppv_m3u8_seg *s, const char *todir)
{
	o->map = s->map >= 0 ? ppv_tag_rebase(pl->tags[s->map].text, pl->path, todir) : NULL;
	o->map_key = s->map_key >= 0 ? ppv_tag_rebase(pl->tags[s->map_key].text, pl->path, todir) : NULL;
	o->key = s->key >= 0 ? ppv_tag_rebase(pl->tags[s->key].text, pl->path, todir) : NULL;
	o->src_seq = pl->media_seq + (int64_t)(s - pl->segs);
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
	memset(o, 0, sizeof *o);
	keys_and_map(o, pl, s, todir);
	/* a pod is shown at numbers of its own, so its IVs are written out */
	if (o->key) {
		char *k = ppv_m3u8_key_iv(o->key, o->src_seq);
		free(o->key);
		o->key = k;
	}
	o->uri = ppv_uri_rebase(s->uri, pl->path, todir);
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

int
ppv_stitch_pod_build(struct pod *p, struct job *j, const struct decision *d, int64_t bw, const char *todir,
		      const ppv_m3u8 *content)
{
	bool fmp4 = false;

	for (size_t i = 0; i < content->nsegs && !fmp4; i++)
		fmp4 = content->segs[i].map >= 0;
	for (size_t i = 0; i < d->n; i++) {
		ppv_m3u8 *m = ad_media(d->p[i].path, bw, j->err, j->errcap);
		if (!m)
			return -1;
		if (!m->endlist && !j->cfg->quiet)
			ppv_warn("%s: an ad without EXT-X-ENDLIST: taken as it is now", m->path);
		for (size_t k = 0; k < m->nsegs; k++)
			pod_add(p, m, &m->segs[k], todir, k == 0);
	}
	if (d->want >= 0 && pod_slate(p, j->cfg, d->want - p->dur, bw, todir, j->err, j->errcap) < 0)
		return -1;
	/* an EXT-X-MAP cannot be cancelled: TS after fMP4 would be read as fMP4 */
	for (size_t k = 0; k < p->n; k++)
		if ((p->s[k].map != NULL) != fmp4)
			return ppv_errf(j->err, j->errcap, "%s: the ad segment %s is %s and the content %s: a playlist "
					"cannot switch containers; give the ad in %s too (ppv-segment -f %s)",
					content->path, p->s[k].uri, fmp4 ? "TS" : "fMP4", fmp4 ? "fMP4" : "TS",
					fmp4 ? "fMP4" : "TS", fmp4 ? "fmp4" : "ts");
	return 0;
}

/* The longest segment an ad or the slate could bring to a variant of bw,
 * microseconds: a live playlist's target covers it from the first refresh,
 * since it may never change after. What does not load counts nothing here
 * (it fails where it is used). */
int64_t
ppv_stitch_ads_longest(const ppv_stitch_cfg *cfg, int64_t bw)
{
	const char *one[2] = { cfg->ad, cfg->slate };
	const ppv_ad *ads = NULL;
	size_t nads = 0;
	int64_t longest = 0;
	char err[256];

	if (cfg->cat)
		ads = ppv_adcat_ads(cfg->cat, &nads);
	for (size_t i = 0; i < nads + 2; i++) {
		const char *path = i < nads ? ads[i].playlist : one[i - nads];
		ppv_m3u8 *m = path ? ad_media(path, bw, err, sizeof err) : NULL;
		for (size_t k = 0; m && k < m->nsegs; k++)
			if (m->segs[k].dur > longest)
				longest = m->segs[k].dur;
	}
	return longest;
}

/* breaks in a media playlist --------------------------------------------- */

/* From --at/--schedule: the segment boundary nearest each time. */
static size_t
breaks_given(const ppv_stitch_cfg *cfg, const ppv_m3u8 *pl, struct brk *out, char *err, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->nbreaks; i++) {
		const ppv_break *g = &cfg->breaks[i];
		int64_t at = ppv_ticks_to_us((int64_t)g->at);
		int64_t dur = g->duration == PPV_BREAK_OPEN ? -1 : ppv_ticks_to_us((int64_t)g->duration);
		int64_t t = 0, best_t = 0;
		size_t best = 0;
		for (size_t k = 0; k <= pl->nsegs; k++) {
			if (llabs(t - at) < llabs(best_t - at))
				best = k, best_t = t;
			if (k < pl->nsegs)
				t += pl->segs[k].dur;
		}
		struct brk b = { best, best, dur, best_t, g->event_id };
		if (cfg->replace) {
			if (dur < 0) {
				ppv_errf(err, cap, "%s: --replace with --at needs a duration (T/D)", pl->path);
				return SIZE_MAX;
			}
			int64_t cov = 0;
			while (b.e < pl->nsegs && cov + pl->segs[b.e].dur / 2 < dur)
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
size_t
ppv_stitch_breaks_cued(const ppv_stitch_cfg *cfg, const ppv_m3u8 *pl, struct brk *out)
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

void
ppv_stitch_put_seg(struct job *j, ppv_m3u8_out *o, const struct oseg *s, bool disc, int64_t pdt)
{
	if (j->measure_dir && j->measured) {
		/* its bytes: a byte range's length, or the file's size */
		const char *br = s->extra ? strstr(s->extra, "#EXT-X-BYTERANGE:") : NULL;
		int64_t n = br ? strtoll(br + 17, NULL, 10) : -1;
		struct stat st;
		/* resolved as text: the output's directory may not exist yet */
		char *rel = n < 0 && !ppv_uri_absolute(s->uri) ? join(j->measure_dir, s->uri) : NULL;
		char *file = rel ? ppv_path_absolute(rel) : NULL;
		free(rel);
		if (file && stat(file, &st) == 0)
			n = st.st_size;
		free(file);
		j->measured = n >= 0;
		if (n >= 0 && s->dur > 0 && n * 8 * 1000000 / s->dur > j->m_peak)
			j->m_peak = n * 8 * 1000000 / s->dur;
		j->m_bytes += n;
		j->m_dur += s->dur;
	}
	ppv_stitch_put_oseg(o, s, disc, pdt);
}

void
ppv_stitch_put_oseg(ppv_m3u8_out *o, const struct oseg *s, bool disc, int64_t pdt)
{
	ppv_m3u8_wseg w = { .uri = s->uri, .title = s->title, .map = s->map, .key = s->key,
			    .map_key = s->map_key, .src_seq = s->src_seq, .extra = s->extra,
			    .dur = s->dur, .pdt = pdt, .disc = disc };

	ppv_m3u8_put_seg(o, &w);
}

static bool
is_cue(enum ppv_tag k)
{
	return k == PPV_TAG_CUE_OUT || k == PPV_TAG_CUE_CONT || k == PPV_TAG_CUE_IN || k == PPV_TAG_CUE_OTHER;
}

/* The tags of a content segment that stitching does not rewrite. */
void
ppv_stitch_put_tags(ppv_m3u8_out *o, const ppv_m3u8 *pl, size_t t0, size_t nt, bool drop_cues, const char *todir)
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

void
ppv_stitch_content_oseg(struct oseg *s, const ppv_m3u8 *pl, const ppv_m3u8_seg *c, const char *todir)
{
	keys_and_map(s, pl, c, todir);
	s->uri = ppv_uri_rebase(c->uri, pl->path, todir);
	s->title = ppv_xstrdup(c->title);
	s->extra = NULL;    /* put_tags writes a content segment's own tags */
	s->dur = c->dur;
	s->disc = c->disc;
}

static void
cue_hex(char *out, uint32_t id, int64_t pts_us, int64_t dur_us, bool outcue)
{
	static ppv_scte35 c;
	uint8_t sec[PPV_SCTE35_MAX];

	ppv_scte35_insert(&c, id, outcue, (uint64_t)ppv_us_to_ticks(pts_us),
			  outcue ? (uint64_t)ppv_us_to_ticks(dur_us) : PPV_TS_NOPTS, true);
	ppv_scte35_hex(out, sec, (size_t)ppv_scte35_encode(&c, sec, sizeof sec));
}

void
ppv_stitch_put_header(FILE *f, const ppv_m3u8 *pl, int version, int64_t maxdur, int64_t mseq, int64_t dseq)
{
	ppv_m3u8_head h = { .version = version, .target = (maxdur + 500000) / 1000000, .media_seq = mseq,
			    .disc_seq = dseq, .more = pl->head, .nmore = pl->nhead };

	if (pl->target > h.target)
		h.target = pl->target;
	ppv_m3u8_put_header(f, &h);
}

/* Writes text to path atomically, or to stdout for "-". */
int
ppv_stitch_commit(const char *path, const char *text, size_t n, char *err, size_t cap)
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
put_interstitials(ppv_m3u8_out *o, const struct brk *b, const struct decision *d, const char *key,
		  int64_t at_pdt, const char *todir)
{
	int64_t resume = b->e > b->b ? b->want : 0;
	char date[40], dur[32], res[32];

	for (size_t k = 0; k < d->n; k++) {
		/* a file's path, absolute or not, made a URI from where the output is */
		const char *path = d->p[k].path, *name = strrchr(path, '/');
		char *uri = ppv_uri_rebase(name ? name + 1 : path, path, todir);
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
put_pod(struct job *j, ppv_m3u8_out *o, const ppv_m3u8 *pl, const struct brk *b, const struct decision *d,
	int64_t bw, const char *todir, const char *key, int64_t at_pdt)
{
	static char hex[2 * PPV_SCTE35_MAX + 3];
	char date[40], num[32];
	struct pod p = { 0 };

	if (ppv_stitch_pod_build(&p, j, d, bw, todir, pl) < 0) {
		ppv_stitch_pod_free(&p);
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
			ppv_stitch_put_seg(j, o, &p.s[k], k == 0 || p.s[k].disc, pl->has_pdt && (k == 0 || p.s[k].disc) ? t : INT64_MIN);
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
	ppv_stitch_pod_free(&p);
	return len;
}

static int
stitch_media(struct job *j, ppv_m3u8 *pl, int64_t bw, const char *outpath)
{
	const ppv_stitch_cfg *cfg = j->cfg;
	char *todir = strcmp(outpath, "-") ? ppv_dirname(outpath) : ppv_xstrdup(cfg->stdout_dir ? cfg->stdout_dir : ".");
	struct brk *br = calloc(pl->nsegs + cfg->nbreaks + 1, sizeof *br);
	bool cued = cfg->nbreaks == 0;
	size_t nb = cued ? ppv_stitch_breaks_cued(cfg, pl, br) : breaks_given(cfg, pl, br, j->err, j->errcap);
	ppv_m3u8_out o = { .version = pl->version, .seq = pl->media_seq };
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
			struct decision *d = ppv_stitch_decide(j, bi++, b->want, bw, key);
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
		ppv_stitch_content_oseg(&s, pl, c, todir);
		ppv_stitch_put_tags(&o, pl, c->tag0, c->ntags, cued, todir);
		ppv_stitch_put_seg(j, &o, &s, c->disc, pdt);
		ppv_stitch_oseg_free(&s);
		i++;
	}
	ppv_stitch_put_tags(&o, pl, pl->tail0, pl->ntags - pl->tail0, cued, todir);
	if (pl->endlist)
		fputs("#EXT-X-ENDLIST\n", o.f);
	fclose(o.f);
	o.f = NULL;

	FILE *f = open_memstream(&all, &alllen);
	ppv_stitch_put_header(f, pl, o.version, o.maxdur, pl->media_seq, pl->disc_seq);
	fwrite(body, 1, bodylen, f);
	fclose(f);
	rc = ppv_stitch_commit(outpath, all, alllen, j->err, j->errcap);
done:
	if (o.f)
		fclose(o.f);
	ppv_m3u8_out_free(&o);
	free(body);
	free(all);
	free(br);
	free(todir);
	return rc;
}

/* a master playlist: each variant stitched beside the output ------------- */

/* A variant's rates are those of its segment files (a byte range counts
 * its length), measured as it is written: the peak of single segments
 * bounds RFC 8216's (over runs of 0.5 to 1.5 target durations), since a
 * run's rate is an average of its own. */
static bool kept_said;

/* A STREAM-INF line with attribute name set to v (added when absent). */
static char *
set_attr(char *inf, const char *name, int64_t v)
{
	size_t nl = strlen(name);
	char *p = strchr(inf, ':');

	while (p && (strncmp(p + 1, name, nl) || p[1 + nl] != '='))
		p = strchr(p + 1, ',');
	char *out;
	if (!p)
		out = ppv_xasprintf("%s,%s=%" PRId64, inf, name, v);
	else {
		const char *val = p + 1 + nl + 1, *end = val + strcspn(val, ",");
		out = ppv_xasprintf("%.*s%" PRId64 "%s", (int)(val - inf), inf, v, end);
	}
	free(inf);
	return out;
}

/* Whether two directories are one (by inode: "." and an absolute path may be) */
static bool
same_dir(const char *a, const char *b)
{
	struct stat x, y;

	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* A variant's file beside the output: its own name, unless that is where the
 * content's playlist is (the output in the master's directory, as every
 * viewer's is): then named after the output, ana.m3u8's ana_index_720p.m3u8. */
static char *
variant_name(const char *outpath, const char *uri, size_t i, bool beside)
{
	bool plain = !strstr(uri, "..") && strcspn(uri, "?#") == strlen(uri);

	if (!beside)
		return plain ? ppv_xstrdup(uri) : ppv_xasprintf("ppv-v%zu.m3u8", i + 1);
	const char *base = strrchr(outpath, '/') ? strrchr(outpath, '/') + 1 : outpath;
	size_t bl = strlen(base);
	if (bl > 5 && !strcmp(base + bl - 5, ".m3u8"))
		bl -= 5;
	if (!plain)
		return ppv_xasprintf("%.*s_v%zu.m3u8", (int)bl, base, i + 1);
	char *n = ppv_xasprintf("%.*s_%s", (int)bl, base, uri);
	for (char *c = n + bl + 1; *c; c++)
		if (*c == '/')
			*c = '_';
	return n;
}

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
		char *src = join(indir, v->uri), *vname = variant_name(outpath, v->uri, i, false);
		char *dst = join(outdir, vname), *sd = ppv_dirname(src), *dd = ppv_dirname(dst);
		if (same_dir(sd, dd)) {
			free(vname);
			free(dst);
			vname = variant_name(outpath, v->uri, i, true);
			dst = join(outdir, vname);
		}
		free(sd);
		free(dd);
		ppv_m3u8 *pl = ppv_m3u8_load(src, j->err, j->errcap);
		int r = -1;
		if (pl && pl->master)
			ppv_errf(j->err, j->errcap, "%s: a variant that is itself a master playlist", src);
		else if (pl) {
			char *vdir = ppv_dirname(dst);
			j->measure_dir = vdir;
			j->measured = true;
			j->m_peak = j->m_bytes = j->m_dur = 0;
			r = j->cfg->live ? ppv_stitch_live(j, pl, v->bandwidth, dst) : stitch_media(j, pl, v->bandwidth, dst);
			j->measure_dir = NULL;
			free(vdir);
		}
		if (pl) {
			free(pl->text);
			ppv_m3u8_free(pl);
		}
		/* the variant's rates are now those of content and ads together */
		char *inf = ppv_xstrdup(v->inf);
		if (r == 0 && j->measured && j->m_peak > 0) {
			inf = set_attr(inf, "BANDWIDTH", j->m_peak);
			inf = set_attr(inf, "AVERAGE-BANDWIDTH", j->m_bytes * 8 * 1000000 / j->m_dur);
		} else if (r == 0 && !j->cfg->quiet && !kept_said) {
			/* said once: a batch of masters on a CDN would say it for each */
			ppv_warn("%s: BANDWIDTH kept as the master said: not every segment is a file here "
				 "(said for the first such variant only)", dst);
			kept_said = true;
		}
		fprintf(f, "%s\n%s\n", inf, vname);
		free(inf);
		free(src);
		free(dst);
		free(vname);
		if (r < 0)
			goto done;
	}
	fclose(f);
	f = NULL;
	rc = ppv_stitch_commit(outpath, text, len, j->err, j->errcap);
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
	if (cfg->live && ppv_stitch_state_load(cfg->state, err, cap) < 0)
		return -1;
	ppv_m3u8 *pl = ppv_m3u8_load(in, err, cap);
	if (!pl)
		return -1;
	if (cfg->impressions)
		j.imp = open_memstream(&j.impbuf, &j.implen);
	rc = pl->master ? stitch_master(&j, pl, out)
	   : cfg->live ? ppv_stitch_live(&j, pl, 0, out) : stitch_media(&j, pl, 0, out);
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

/* a batch --------------------------------------------------------------- */

/* Where an input's output goes under -o DIR: the same relative path. */
static char *
mirror(const char *dir, const char *in)
{
	while (in[0] == '/' || (in[0] == '.' && in[1] == '/'))
		in += in[0] == '/' ? 1 : 2;
	for (const char *p = in; *p; p++)
		if ((p == in || p[-1] == '/') && p[0] == '.' && p[1] == '.' && (p[2] == '/' || !p[2]))
			return NULL;
	return ppv_xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", in);
}

/* > c/stitched.m3u8: the URIs must resolve from c/, where the shell put the
 * output, as they would with -o; on a pipe, from here. */
static char *
stdout_dir(void)
{
	struct stat st;

	if (fstat(STDOUT_FILENO, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	char *real = realpath("/proc/self/fd/1", NULL), *dir = real ? ppv_dirname(real) : NULL;
	free(real);
	return dir;
}

/* Worker w of jobs takes inputs w, w + jobs, ...; 0 is this process. */
static int
work(const ppv_stitch_cfg *cfg, char *const *in, size_t nin, const char *output, bool dir,
     size_t w, size_t jobs)
{
	ppv_progress prog;
	char err[1024];
	int rc = PPV_OK;

	ppv_progress_start(&prog, w == 0 ? "playlists" : NULL);
	for (size_t i = w; i < nin; i += jobs) {
		char *out = dir ? mirror(output, in[i]) : ppv_xstrdup(output ? output : "-");
		if (!out) {
			ppv_warn("%s: a path with '..' cannot be mirrored under %s", in[i], output);
			rc = PPV_FAIL;
			continue;
		}
		if (ppv_stitch(cfg, in[i], out, err, sizeof err) < 0) {
			ppv_warn("%s", err);
			rc = PPV_FAIL;
		}
		free(out);
		if (w == 0)
			ppv_progress_tick(&prog, i + 1);
	}
	if (w == 0)
		ppv_progress_end(&prog, nin);
	return rc;
}

int
ppv_stitch_batch(ppv_stitch_cfg *cfg, char *const *in, size_t nin, const char *output, long jobs)
{
	struct stat st;
	bool dir = output && (nin > 1 || output[strlen(output) - 1] == '/' ||
			      (stat(output, &st) == 0 && S_ISDIR(st.st_mode)));

	if (nin > 1 && !output)
		ppv_die(PPV_ERR, "%zu playlists: give -o DIR to write them", nin);
	char *here = output ? NULL : stdout_dir();
	cfg->stdout_dir = here;
	/* a big batch uses every core; with impressions one worker keeps
	 * their order the same run after run */
	if (jobs == 0)
		jobs = cfg->impressions || nin < 64 ? 1 : sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs < 1 || cfg->live)
		jobs = 1;
	if ((size_t)jobs > nin)
		jobs = (long)nin;
	pid_t *kids = ppv_xcalloc((size_t)jobs, sizeof *kids);
	size_t me = 0;
	fflush(NULL);
	for (long w = 1; w < jobs; w++) {
		pid_t pid = fork();
		if (pid < 0)
			ppv_die(PPV_ERR, "fork:");
		if (pid == 0) {
			me = (size_t)w;
			break;
		}
		kids[w] = pid;
	}
	/* a batch syncs the disk once at the end, not twice a playlist */
	ppv_atomic_defer_sync(nin > 1);
	int rc = work(cfg, in, nin, output, dir, me, (size_t)jobs);
	if (me > 0) {
		if (ppv_atomic_sync() < 0 || (cfg->impressions && fclose(cfg->impressions) == EOF))
			rc = PPV_ERR;
		fflush(NULL);
		_exit(rc);
	}
	for (long w = 1; w < jobs; w++) {
		int ws;
		if (waitpid(kids[w], &ws, 0) < 0 || !WIFEXITED(ws))
			rc = PPV_ERR;
		else if (WEXITSTATUS(ws) > rc)
			rc = WEXITSTATUS(ws);
	}
	free(kids);
	free(here);
	cfg->stdout_dir = NULL;
	if (ppv_atomic_sync() < 0)
		ppv_die(PPV_ERR, "%s: sync:", output);
	return rc;
}
