/* segcue.c: ppv-segment's SCTE-35 cues: when each asks for a cut, and the CUE and DATERANGE tags of the segments of a break. */
#include <inttypes.h>
#include <string.h>

#include "bytes.h"
#include "cli.h"
#include "m3u8.h"
#include "scte35.h"
#include "segint.h"
#include "ts.h"
#include "when.h"

static void
wait_cue(struct segmenter *s, int64_t at, int64_t dur, bool out, uint32_t id, const uint8_t *sec, size_t n)
{
	for (int i = 0; i < s->nwaits; i++)
		if (s->waits[i].id == id && s->waits[i].out == out)
			return;   /* a cue repeated before its splice */
	if (out && s->in_break && s->brk_id == id)
		return;
	if (s->nwaits == (int)(sizeof s->waits / sizeof *s->waits))
		return;
	struct cuewait *w = &s->waits[s->nwaits++];
	w->at = at;
	w->dur = dur;
	w->out = out;
	w->id = id;
	ppv_scte35_hex(w->hex, sec, n);
}

void
ppv_seg_on_cue(void *ctx, const uint8_t *sec, size_t n)
{
	struct segmenter *s = ctx;
	static ppv_scte35 c;
	char err[160];

	if (n < 3 || sec[0] != 0xfc)
		return;
	if (ppv_scte35_decode(&c, sec, n, err, sizeof err) < 0) {
		if (!s->cfg->quiet)
			ppv_warn("%s: a cue rejected: %s", s->inname, err);
		return;
	}
	if (!s->have_pts) {
		/* before the first picture (inject's cue for a break in the first
		 * seconds): its time is known only once the clock is */
		if (s->nearly + 2 + n > sizeof s->early) {
			ppv_warn("%s: more cues before the first picture than kept: one left out", s->inname);
			return;
		}
		ppv_put_be(s->early + s->nearly, n, 2);
		memcpy(s->early + s->nearly + 2, sec, n);
		s->nearly += 2 + n;
		return;
	}
	int64_t adj = (int64_t)c.pts_adjustment;
	if (c.command_type == PPV_SPLICE_INSERT && !c.insert.cancel) {
		const ppv_splice_event *e = &c.insert;
		int64_t at = s->now;
		if (e->program_splice && !e->immediate && e->time.specified)
			at = s->now + ppv_pts_delta(e->time.pts + (uint64_t)adj, s->last_raw);
		wait_cue(s, at, e->has_duration ? (int64_t)e->duration : -1, e->out_of_network, e->event_id, sec, n);
		return;
	}
	if (c.command_type != PPV_TIME_SIGNAL || !c.time.specified)
		return;
	int64_t at = s->now + ppv_pts_delta(c.time.pts + (uint64_t)adj, s->last_raw);
	for (int i = 0; i < c.ndesc; i++) {
		const ppv_splice_desc *d = &c.desc[i];
		if (d->tag != PPV_DESC_SEGMENTATION || !d->known || d->u.seg.cancel)
			continue;
		int b = ppv_scte35_break(d->u.seg.type_id);
		if (b > 0)
			wait_cue(s, at, d->u.seg.has_duration ? (int64_t)d->u.seg.duration : -1, true,
				 d->u.seg.event_id, sec, n);
		else if (b < 0)
			wait_cue(s, at, -1, false, d->u.seg.event_id, sec, n);
	}
}

/* The first time a cue wants a cut, -1 when none. */
int64_t
ppv_seg_cue_cut(const struct segmenter *s)
{
	int64_t t = -1;

	for (int i = 0; i < s->nwaits; i++)
		if (t < 0 || s->waits[i].at < t)
			t = s->waits[i].at;
	if (s->in_break && s->brk_end >= 0 && (t < 0 || s->brk_end < t))
		t = s->brk_end;
	return t;
}

/* What the segment starting at `at` carries of the breaks. */
void
ppv_seg_cue_state(struct segmenter *s, struct seg *g, int64_t at)
{
	const int64_t half = s->frame ? s->frame / 2 : 1500;
	char b[40], num[32], dur[32];

	for (int i = 0; i < s->nwaits; i++) {
		struct cuewait *w = &s->waits[i];
		if (w->at > at + half)
			continue;
		if (w->out && !s->in_break) {
			s->in_break = true;
			s->brk_start = at;
			s->brk_dur = w->dur;
			s->brk_end = w->dur >= 0 ? w->at + w->dur : -1;
			s->brk_id = w->id;
			strcpy(s->brk_hex, w->hex);
			ppv_pdt_format(g->pdt, s->brk_date);
			g->cue = CUE_OUT;
			g->cue_dur = w->dur >= 0 ? w->dur : 0;
			if (s->cfg->cues & PPV_CUES_DATERANGE)
				g->daterange = ppv_xasprintf("#EXT-X-DATERANGE:ID=\"splice-%" PRIu32 "\",START-DATE=\"%s\"%s%s,SCTE35-OUT=%s",
							 w->id, s->brk_date, w->dur >= 0 ? ",PLANNED-DURATION=" : "",
							 w->dur >= 0 ? ppv_m3u8_fmt_secs(ppv_ticks_to_us(w->dur), dur) : "", w->hex);
		} else if (!w->out && s->in_break) {
			s->brk_end = w->at;
			strcpy(s->brk_hex, w->hex);
		}
		s->waits[i--] = s->waits[--s->nwaits];
	}
	if (g->cue == CUE_OUT)
		return;
	if (s->in_break && s->brk_end >= 0 && at + half >= s->brk_end) {
		g->cue = CUE_IN;
		s->in_break = false;
		if (s->cfg->cues & PPV_CUES_DATERANGE)
			g->daterange = ppv_xasprintf("#EXT-X-DATERANGE:ID=\"splice-%" PRIu32 "\",START-DATE=\"%s\",END-DATE=\"%s\",DURATION=%s,SCTE35-IN=%s",
						 s->brk_id, s->brk_date, ppv_pdt_format(g->pdt, b),
						 ppv_m3u8_fmt_secs(ppv_ticks_to_us(at - s->brk_start), num), s->brk_hex);
	} else if (s->in_break) {
		g->cue = CUE_CONT;
		g->cue_elapsed = at - s->brk_start;
		g->cue_dur = s->brk_dur >= 0 ? s->brk_dur : 0;
	}
}

/* The cues that came before the clock started, now that it has */
void
ppv_seg_cues_early(struct segmenter *s)
{
	size_t n = s->nearly;

	s->nearly = 0;
	for (size_t at = 0; at + 2 <= n;) {
		size_t len = (size_t)ppv_get_be(s->early + at, 2);
		ppv_seg_on_cue(s, s->early + at + 2, len);
		at += 2 + len;
	}
}
