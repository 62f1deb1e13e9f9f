/* stitchlive.c: ads stitched into a live sliding window on every refresh, one timeline kept across them in a state file. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cli.h"
#include "m3u8.h"
#include "stitchint.h"

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

/* A segment of the output as written alone (its key, map and date stated
 * again), kept to stay in the output after it slid out of the input. */
struct kept {
	int64_t msn, dur;
	bool disc;
	int version;
	char *text;
};

struct lstate {
	char *name;
	int64_t seq, disc;
	int64_t win0, win1;         /* the last window stitched: its first and past-last MSN */
	int64_t target;             /* seconds, fixed at the first refresh */
	struct shown *sh;
	size_t nsh;
	struct lbreak *br;
	size_t nbr;
	struct kept *kp;            /* the last output's segments, in order */
	size_t nkp;
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

/* A record's text fields are lines tab-joined, each line's own backslashes
 * and tabs written \\ and \t: quoted strings may hold tabs (RFC 8216 4.2). */
static void
put_lines(FILE *f, const char *text)
{
	for (const char *c = text; *c; c++) {
		if (*c == '\n') {
			if (c[1])
				putc('\t', f);
		} else if (*c == '\t') {
			fputs("\\t", f);
		} else if (*c == '\\') {
			fputs("\\\\", f);
		} else {
			putc(*c, f);
		}
	}
}

/* put_lines undone in place; a backslash before anything else stays. */
static char *
get_lines(char *s)
{
	char *w = s;

	for (const char *c = s; *c; c++)
		if (*c == '\t')
			*w++ = '\n';
		else if (*c == '\\' && (c[1] == 't' || c[1] == '\\'))
			*w++ = *++c == 't' ? '\t' : '\\';
		else
			*w++ = *c;
	*w = '\0';
	return s;
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
			ppv_stitch_pod_free(&s->br[k].pod);
			free(s->br[k].cmsn);
			free(s->br[k].cdur);
		}
		free(s->br);
		free(s->sh);
		for (size_t k = 0; k < s->nkp; k++)
			free(s->kp[k].text);
		free(s->kp);
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
int
ppv_stitch_state_load(const char *path, char *err, size_t cap)
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
		} else if (s && !strcmp(tag, "target") && p) {
			if (!seq_ok(p, &s->target)) {
				rc = ppv_errf(err, cap, "%s:%ld: bad target record", path, lineno);
				break;
			}
		} else if (s && !strcmp(tag, "window") && p) {
			char *a = field(&p, ' ');
			if (!p || !seq_ok(a, &s->win0) || !seq_ok(p, &s->win1)) {
				rc = ppv_errf(err, cap, "%s:%ld: bad window record", path, lineno);
				break;
			}
		} else if (s && !strcmp(tag, "kept") && p) {
			struct kept k = { 0 };
			int d, used = 0;
			if (sscanf(p, "%" SCNd64 " %" SCNd64 " %d %d %n", &k.msn, &k.dur, &d, &k.version, &used) < 4 ||
			    !used || !p[used]) {
				rc = ppv_errf(err, cap, "%s:%ld: bad kept record", path, lineno);
				break;
			}
			k.disc = d;
			k.text = ppv_xasprintf("%s\n", get_lines(p + used));
			s->kp = push(s->kp, s->nkp, sizeof *s->kp);
			s->kp[s->nkp++] = k;
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
				pd->s = ppv_xrealloc(pd->s, pd->cap * sizeof *pd->s);
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
			o->uri = ppv_xstrdup(get_lines(uri));
			o->map = strcmp(map, "-") ? ppv_xstrdup(get_lines(map)) : NULL;
			o->key = strcmp(key, "-") ? ppv_xstrdup(get_lines(key)) : NULL;
			o->title = ppv_xstrdup("");
			if (p && *p) {
				/* the rest: its other tag lines, tab-separated */
				size_t el = strlen(p);
				if (p[el - 1] == '\t')
					p[--el] = '\0';
				o->extra = ppv_xstrdup(get_lines(p));
			}
			pd->dur += o->dur;
			pd->n++;
		} else if (b && !strcmp(tag, "mapkey") && p && b->pod.n) {
			struct oseg *o = &b->pod.s[b->pod.n - 1];
			free(o->map_key);
			o->map_key = ppv_xstrdup(p);
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
		if (s->target)
			fprintf(f, "target %" PRId64 "\n", s->target);
		for (size_t k = 0; k < s->nkp; k++) {
			const struct kept *x = &s->kp[k];
			fprintf(f, "kept %" PRId64 " %" PRId64 " %d %d ", x->msn, x->dur, x->disc, x->version);
			put_lines(f, x->text);
			putc('\n', f);
		}
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
				fprintf(f, "seg %" PRId64 " %d ", o->dur, o->disc);
				put_lines(f, o->uri);
				putc('\t', f);
				put_lines(f, o->map ? o->map : "-");
				putc('\t', f);
				put_lines(f, o->key ? o->key : "-");
				if (o->extra) {
					putc('\t', f);
					put_lines(f, o->extra);
				}
				putc('\n', f);
				if (o->map_key)
					fprintf(f, "mapkey %s\n", o->map_key);
			}
		}
	}
	fclose(f);
	int rc = ppv_stitch_commit(state_path, text, len, err, cap);
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

/* Whether msn was seen inside the break in an earlier window. */
static bool
holds(const struct lbreak *b, int64_t msn)
{
	for (size_t k = 0; k < b->nc; k++)
		if (b->cmsn[k] == msn)
			return true;
	return false;
}

/* The break whose content, seen in an earlier window, includes msn. */
static struct lbreak *
break_holding(struct lstate *s, int64_t msn)
{
	for (size_t i = 0; i < s->nbr; i++)
		if (holds(&s->br[i], msn))
			return &s->br[i];
	return NULL;
}

/* A window that opens inside a break whose cue has slid out of it (cues as
 * date ranges, or a packager that writes no CUE-OUT-CONT) still opens
 * inside the break: its content stays replaced while it is in the window.
 * The break is put first in br[] (room for one more); the count returned. */
static size_t
carry_break(struct lstate *st, const ppv_m3u8 *pl, struct brk *br, size_t nb)
{
	if (!pl->nsegs || (nb && br[0].b == 0))
		return nb;
	struct lbreak *lb = break_holding(st, pl->media_seq);
	if (!lb)
		return nb;
	int64_t elapsed = 0, cov = 0;
	for (size_t k = 0; k < lb->nc; k++)
		if (lb->cmsn[k] < pl->media_seq)
			elapsed += lb->cdur[k];
	size_t e = 0;
	for (; e < pl->nsegs; e++) {
		const ppv_m3u8_seg *g = &pl->segs[e];
		if (g->cue == PPV_TAG_CUE_IN || g->cue == PPV_TAG_CUE_OUT || (nb && br[0].b == e))
			break;
		bool seen = holds(lb, pl->media_seq + (int64_t)e);
		if (!seen && (lb->done || (lb->want >= 0 && elapsed + cov + g->dur / 2 >= lb->want)))
			break;
		cov += g->dur;
	}
	memmove(br + 1, br, nb * sizeof *br);
	br[0] = (struct brk){ 0, e, cov, 0, (uint32_t)lb->key };
	return nb + 1;
}

/* An EVENT (or VOD) playlist only grows: none of its segments need be kept
 * against their sliding out, which for an event would be all of it. */
static bool
never_slides(const ppv_m3u8 *pl)
{
	for (size_t i = 0; i < pl->nhead; i++)
		if (!strncmp(pl->head[i], "#EXT-X-PLAYLIST-TYPE:", 21))
			return true;
	return false;
}

/* A segment as written alone at msn: its key and map stated again, and its
 * date when the output has dates. */
static void
keep_alone(struct kept *k, const struct oseg *s, int64_t msn, bool disc, int64_t pdt)
{
	size_t n = 0;
	ppv_m3u8_out o = { .version = 1, .seq = msn };

	k->text = NULL;
	o.f = open_memstream(&k->text, &n);
	ppv_stitch_put_oseg(&o, s, disc, pdt);
	fclose(o.f);
	*k = (struct kept){ msn, s->dur, disc, o.version, k->text };
	ppv_m3u8_out_free(&o);
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

int
ppv_stitch_live(struct job *j, ppv_m3u8 *pl, int64_t bw, const char *outpath)
{
	const ppv_stitch_cfg *cfg = j->cfg;
	char *todir = strcmp(outpath, "-") ? ppv_dirname(outpath) : ppv_xstrdup(cfg->stdout_dir ? cfg->stdout_dir : ".");
	struct brk *br = calloc(pl->nsegs + 1, sizeof *br);
	size_t nb = ppv_stitch_breaks_cued(cfg, pl, br);
	struct item *it = calloc(2 * pl->nsegs + 1, sizeof *it);
	size_t ni = 0, itcap = 2 * pl->nsegs + 1;
	char *body = NULL, *all = NULL;
	size_t bodylen = 0, alllen = 0;
	struct kept *nk = NULL;     /* this window's segments as written alone */
	size_t nnk = 0;
	int64_t wdur = 0;
	int rc = -1;

	if (ppv_stitch_state_load(cfg->state, j->err, j->errcap) < 0)
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
	nb = carry_break(st, pl, br, nb);
	size_t bi = 0;
	bool after_brk = false;
	for (size_t i = 0; i < pl->nsegs;) {
		int64_t msn = pl->media_seq + (int64_t)i;
		if (bi < nb && br[bi].b == i) {
			struct brk *b = &br[bi++];
			struct lbreak *lb = pl->segs[i].cue == PPV_TAG_CUE_CONT ? open_break(st, msn) : NULL;
			if (!lb)
				lb = find_break(st, msn);
			if (!lb)
				lb = break_holding(st, msn);
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
				struct decision *d = ppv_stitch_decide(j, bi - 1, lb->want, bw, key);
				if (!d || ppv_stitch_pod_build(&lb->pod, j, d, bw, todir, pl) < 0)
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
			after_brk = true;
			continue;
		}
		/* back from the pod, though an earlier refresh showed it: content
		 * past the pod's length is all of the break this window holds */
		if (ni < itcap)
			it[ni++] = (struct item){ 'c', msn, 0, &pl->segs[i], NULL, pl->segs[i].pdt,
						  pl->segs[i].disc || after_brk, false, false };
		after_brk = false;
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
			ppv_stitch_pod_free(&b->pod);
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

	ppv_m3u8_out o = { .version = pl->version, .seq = firstmsn < 0 ? st->seq : firstmsn };
	bool keeps = !never_slides(pl);
	o.f = open_memstream(&body, &bodylen);
	nk = ni ? ppv_xrealloc(NULL, ni * sizeof *nk) : NULL;
	for (size_t i = 0; i < ni; i++) {
		struct item *x = &it[i];
		char num[32];
		int64_t pdt = pl->has_pdt ? x->pdt : INT64_MIN;
		if (x->kind == 'a') {
			if (!x->pseg)
				continue;
			if (x->cue_out) {
				struct lbreak *b = find_break(st, x->key);
				fprintf(o.f, "#EXT-X-CUE-OUT:DURATION=%s\n", ppv_m3u8_fmt_secs(b ? b->pod.dur : 0, num));
			}
			if (keeps)
				keep_alone(&nk[nnk++], x->pseg, o.seq, x->disc, pdt);
			wdur += x->pseg->dur;
			ppv_stitch_put_seg(j, &o, x->pseg, x->disc, x->disc || i == 0 ? pdt : INT64_MIN);
			if (x->cue_in)
				fputs("#EXT-X-CUE-IN\n", o.f);
		} else {
			struct oseg s;
			ppv_stitch_content_oseg(&s, pl, x->seg, todir);
			ppv_stitch_put_tags(&o, pl, x->seg->tag0, x->seg->ntags, true, todir);
			if (keeps)
				keep_alone(&nk[nnk++], &s, o.seq, x->disc, pdt);
			wdur += s.dur;
			ppv_stitch_put_seg(j, &o, &s, x->disc, x->disc || i == 0 || x->seg->dated ? pdt : INT64_MIN);
			ppv_stitch_oseg_free(&s);
		}
	}
	if (pl->endlist)
		fputs("#EXT-X-ENDLIST\n", o.f);
	fclose(o.f);
	ppv_m3u8_out_free(&o);
	/* the target never changes (RFC 8216 6.2.1): from the first refresh it
	 * covers the content and every ad that could come */
	int64_t need = (o.maxdur + 500000) / 1000000;
	if (pl->target > need)
		need = pl->target;
	if (st->target == 0) {
		int64_t ads = (ppv_stitch_ads_longest(cfg, bw) + 500000) / 1000000;
		st->target = ads > need ? ads : need;
	} else if (need > st->target) {
		if (!cfg->quiet)
			ppv_warn("%s: EXT-X-TARGETDURATION rises from %" PRId64 " to %" PRId64
				 ": a segment longer than any seen before; players may stall on the change",
				 outpath, st->target, need);
		st->target = need;
	}
	/* the window holds three target durations (RFC 8216 6.2.2): segments
	 * that slid out of the input stay until it does, as last written */
	size_t nkp = st->nkp, r = 0;
	while (r < nkp && (firstmsn < 0 || st->kp[r].msn < firstmsn))
		r++;
	size_t r1 = r;              /* past the last that slid out */
	int64_t held = wdur, mseq = firstmsn < 0 ? st->seq : firstmsn, dseq = st->disc;
	int version = o.version;
	while (firstmsn >= 0 && r > 0 && held < 3 * st->target * 1000000 && st->kp[r - 1].msn == mseq - 1) {
		r--;
		held += st->kp[r].dur;
		mseq--;
		dseq -= st->kp[r].disc;
		if (st->kp[r].version > version)
			version = st->kp[r].version;
	}
	FILE *f = open_memstream(&all, &alllen);
	ppv_stitch_put_header(f, pl, version, st->target * 1000000, mseq, dseq);
	for (size_t k = r; k < r1; k++)
		fputs(st->kp[k].text, f);
	fwrite(body, 1, bodylen, f);
	fclose(f);
	/* kept for the next refresh: what stayed, then this window */
	for (size_t k = 0; k < nkp; k++)
		if (k < r || k >= r1)
			free(st->kp[k].text);
	st->nkp = r1 - r;
	if (st->nkp)
		memmove(st->kp, st->kp + r, st->nkp * sizeof *st->kp);
	st->kp = ppv_xrealloc(st->kp, (st->nkp + nnk + 1) * sizeof *st->kp);
	if (nnk)
		memcpy(st->kp + st->nkp, nk, nnk * sizeof *nk);
	st->nkp += nnk;
	nnk = 0;
	rc = ppv_stitch_commit(outpath, all, alllen, j->err, j->errcap);
	if (rc == 0)
		rc = state_save(j->err, j->errcap);
done:
	for (size_t k = 0; k < nnk; k++)
		free(nk[k].text);
	free(nk);
	free(body);
	free(all);
	free(it);
	free(br);
	free(todir);
	return rc;
}
