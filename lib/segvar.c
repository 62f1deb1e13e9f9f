/* segvar.c: a transport stream of several programs, a ppv-transcode ladder, cut a variant per program: NAME_<rung>.m3u8 each, one master.m3u8 naming them all. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "cli.h"
#include "progress.h"
#include "segint.h"
#include "tsprog.h"

#define MAXVAR 16

/* What the stream's first tables say: its programs and their names */
struct head {
	int n;
	uint16_t prog[MAXVAR];
	char name[MAXVAR][32];
};

static void
on_pat(void *ctx, const uint8_t *sec, size_t n)
{
	struct head *h = ctx;
	int pids[MAXVAR + 1];

	int np = h->n ? 0 : ppv_pat_pmt_pids(sec, n, pids, MAXVAR + 1);

	if (np <= 0)
		return;
	h->n = np;
	int i = 0;
	for (size_t at = 8; at + 4 <= n - 4 && i < MAXVAR; at += 4)
		if (ppv_get_be(sec + at, 2) != 0)
			h->prog[i++] = (uint16_t)ppv_get_be(sec + at, 2);
}

static void
on_sdt(void *ctx, const uint8_t *sec, size_t n)
{
	struct head *h = ctx;

	for (int i = 0; i < h->n && i < MAXVAR; i++)
		if (!h->name[i][0])
			ppv_sdt_name(sec, n, h->prog[i], h->name[i], sizeof h->name[i]);
}

static void
read_head(const uint8_t *buf, size_t n, struct head *h)
{
	static ppv_secbuf pat, sdt;
	ppv_tsscan scan = { 0 };
	ppv_tspkt k;
	size_t at = 0;

	memset(h, 0, sizeof *h);
	pat.len = sdt.len = 0;
	pat.active = sdt.active = false;
	/* the programs first: libavformat sends the SDT before the PAT */
	for (int pass = 0; pass < 2; pass++) {
		scan = (ppv_tsscan){ 0 };
		at = 0;
		while (ppv_ts_next(&scan, buf, n, &at, &k) > 0) {
			if (pass == 0 && k.pid == 0)
				ppv_section_feed(&pat, &k, on_pat, h);
			else if (pass == 1 && k.pid == 0x11)
				ppv_section_feed(&sdt, &k, on_sdt, h);
		}
	}
}

int
ppv_seg_programs(const uint8_t *buf, size_t n)
{
	struct head h;

	read_head(buf, n, &h);
	return h.n;
}

/* Every whole packet of buf to the variant of its program: the bytes used */
static size_t
split(struct seggroup *g, ppv_tsprog *tp, ppv_tsscan *scan, const char *name, const uint8_t *buf, size_t have)
{
	size_t at = 0;
	ppv_tspkt k;
	int rc;

	while ((rc = ppv_ts_next(scan, buf, have, &at, &k)) > 0) {
		const uint8_t *p = buf + at - PPV_TS_PACKET;
		for (int i = 0; i < g->n; i++) {
			struct segmenter *s = g->v[i];
			/* room for the packet, or a PAT the program's own */
			if (sizeof s->tsbuf - s->have < 33 * PPV_TS_PACKET)
				ppv_seg_ts_feed(s);
			s->have += ppv_tsprog_put(&tp[i], p, &k, s->tsbuf + s->have, sizeof s->tsbuf - s->have);
		}
	}
	if (rc < 0)
		ppv_die(PPV_ERR, "%s: not an MPEG transport stream (no 0x47 sync byte)", name);
	for (int i = 0; i < g->n; i++)
		ppv_seg_ts_feed(g->v[i]);
	return at;
}

/* A run killed between two variants' playlists left one a segment or so
 * ahead: the others get those numbers as EXT-X-GAP segments, with the
 * leader's durations, dates and key, so that segment N is the same moment in
 * every variant again; a player skips a gap or takes it from another rung. */
static void
align_resumed(struct seggroup *g)
{
	struct segmenter *lead = g->v[0];

	for (int i = 1; i < g->n; i++)
		if (g->v[i]->seq > lead->seq)
			lead = g->v[i];
	for (int i = 0; i < g->n; i++) {
		struct segmenter *s = g->v[i];
		int64_t from = s->seq;
		for (size_t k = 0; k < lead->n && s->seq < lead->seq; k++) {
			const struct seg *l = &lead->list[k];
			if (l->seq != s->seq)
				continue;
			if (s->n == s->cap)
				s->list = ppv_xrealloc(s->list, (s->cap = s->cap ? 2 * s->cap : 64) * sizeof *s->list);
			s->list[s->n++] = (struct seg){
				.seq = l->seq, .dur = l->dur, .disc = l->disc, .dated = l->dated, .pdt = l->pdt,
				.key = l->key ? ppv_xstrdup(l->key) : NULL, .gap = true,
				.uri = ppv_xasprintf("%s%" PRId64 ".%s", s->cfg->name, l->seq, s->fmp4 ? "m4s" : "ts"),
			};
			s->seq++;
			s->resumed_gap = true;
		}
		if (s->seq > from && !s->cfg->quiet)
			ppv_warn("%s.m3u8: %" PRId64 " segment(s) from %" PRId64 " the killed run never wrote for this "
				 "variant, which %s.m3u8 has: named as gaps", s->cfg->name, s->seq - from, from,
				 lead->cfg->name);
	}
}

void
ppv_seg_run_variants(const ppv_segment_cfg *cfg, ppv_input *in, const uint8_t *head, size_t nhead, int nprog)
{
	static ppv_segment_cfg cfgs[MAXVAR];
	static ppv_tsprog tp[MAXVAR];
	static uint8_t buf[PPV_TS_PACKET * 2048];
	struct segmenter *v[MAXVAR];
	struct seggroup g = { v, nprog };
	const char *name = ppv_input_name(in);
	ppv_tsscan scan = { 0 };
	ppv_progress prog;
	struct head h;

	if (nprog > MAXVAR)
		ppv_die(PPV_ERR, "%s: %d programs: a ladder of more than %d rungs is not cut", name, nprog, MAXVAR);
	read_head(head, nhead, &h);
	for (int i = 0; i < nprog; i++) {
		cfgs[i] = *cfg;
		cfgs[i].name = h.name[i][0] ? ppv_xasprintf("%s_%s", cfg->name, h.name[i])
		                            : ppv_xasprintf("%s_p%u", cfg->name, h.prog[i]);
		cfgs[i].master = true;
		cfgs[i].keyname = cfg->name;
		v[i] = ppv_xcalloc(1, sizeof *v[i]);
		ppv_seg_begin(v[i], &cfgs[i]);
		v[i]->group = &g;
		v[i]->inname = name;
		ppv_tsprog_init(&tp[i], i);
	}
	align_resumed(&g);
	size_t used = split(&g, tp, &scan, name, head, nhead), have = nhead - used;
	memcpy(buf, head + used, have);
	ppv_progress_start(&prog, "packets");
	size_t got;
	while (!ppv_seg_stopping && (got = ppv_input_read(in, buf + have, sizeof buf - have)) > 0) {
		have += got;
		used = split(&g, tp, &scan, name, buf, have);
		memmove(buf, buf + used, have - used);
		have -= used;
		ppv_progress_tick(&prog, scan.packets);
	}
	ppv_progress_end(&prog, scan.packets);
	if (!cfg->quiet)
		ppv_ts_report(&scan, name, have);
	for (int i = 0; i < nprog; i++)
		ppv_seg_ts_finish(v[i]);
	for (int i = 0; i < nprog; i++)
		ppv_seg_end(v[i]);
	for (int i = 0; i < nprog; i++) {
		free((char *)cfgs[i].name);
		free(v[i]);
	}
	explicit_bzero(g.key, sizeof g.key);
}
