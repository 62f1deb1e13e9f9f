/* segalign.c: TS segments whose audio starts and ends with their video, to half an audio PES: audio held until the video passes it, a cut until the audio reaches it. */
#include "segint.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A transport stream carries audio some tenths of a second ahead of or
 * behind the video of the same time (muxers differ). Cut where the keyframe
 * packet is, a segment's audio would begin or end that far off its video,
 * and players meet a gap at every ad's discontinuity (Shaka jumps it and
 * flags it). Packets are moved whole, per PID in their order, so continuity
 * counters stay right and nothing is re-muxed; a PES (FFmpeg puts a third of
 * a second of AAC in one) goes to the side of the cut that holds most of it. */
enum {
	AHOLD = 4096,               /* audio packets: tens of seconds of AAC */
	VHOLD = 16384,              /* packets held behind a waiting cut: 3 MB */
};

static bool
before(uint64_t a, uint64_t b)
{
	return ppv_pts_delta(a, b) < 0;
}

void
ppv_align_free(struct segmenter *s)
{
	free(s->aq);
	free(s->aq_pts);
	free(s->aq_end);
	free(s->vq);
	s->aq = s->vq = NULL;
	s->aq_pts = s->aq_end = NULL;
}

static bool
releasable(const struct segmenter *s, size_t k, uint64_t t)
{
	return s->aq_end[k] != PPV_TS_NOPTS &&
	       before((s->aq_pts[k] + (uint64_t)(ppv_pts_delta(s->aq_end[k], s->aq_pts[k]) / 2)) & (uint64_t)(WRAP - 1),
		      t);
}

bool
ppv_align_busy(const struct segmenter *s, uint64_t dts)
{
	return s->cut_wait || (s->naq && releasable(s, 0, dts));
}

/* Writes (or, before the first segment, drops) the held audio whose PES
 * lies mostly before t; a PES whose end is not known yet waits. */
static void
release(struct segmenter *s, uint64_t t, bool all)
{
	size_t k = 0;

	if (!s->naq)
		return;     /* and aq may not be there at all (fMP4, or no audio yet) */
	while (k < s->naq && (all || releasable(s, k, t)))
		k++;
	if (k && s->open)
		ppv_seg_write(s, s->aq[0], k * PPV_TS_PACKET);
	memmove(s->aq, s->aq + k, (s->naq - k) * sizeof *s->aq);
	memmove(s->aq_pts, s->aq_pts + k, (s->naq - k) * sizeof *s->aq_pts);
	memmove(s->aq_end, s->aq_end + k, (s->naq - k) * sizeof *s->aq_end);
	s->naq -= k;
}

void
ppv_align_video(struct segmenter *s, uint64_t dts)
{
	/* no later cut can come before this frame's decoding time */
	s->last_vdts = dts;
	if (!s->cut_wait)
		release(s, dts, false);
}

void
ppv_align_cut_now(struct segmenter *s)
{
	release(s, s->cut_pts, false);
	ppv_seg_close(s, s->cut_clock);
	ppv_seg_open(s, s->cut_clock);
	s->cut_wait = false;
	for (size_t k = 0; k < s->nvq; k++)
		ppv_seg_write(s, s->vq[k], PPV_TS_PACKET);
	s->nvq = 0;
	release(s, s->last_vdts, false);
}

void
ppv_align_cut(struct segmenter *s, uint64_t pts)
{
	s->cut_pts = pts;
	s->cut_clock = s->now;
	s->cut_wait = true;
	if (s->audio_pid < 0 || (s->have_apts && !before(s->last_apts, pts)))
		ppv_align_cut_now(s);
}

/* Whether a waiting cut must be made before this video packet: a second of
 * video past it, or a keyframe that may cut again. */
void
ppv_align_video_due(struct segmenter *s, uint64_t dts, bool key)
{
	if (s->cut_wait && (key || !before(dts, (s->cut_pts + TICK) & (uint64_t)(WRAP - 1))))
		ppv_align_cut_now(s);
}

void
ppv_align_hold(struct segmenter *s, const uint8_t *p)
{
	if (s->nvq == VHOLD)
		ppv_align_cut_now(s);
	if (!s->vq)
		s->vq = ppv_xrealloc(NULL, VHOLD * sizeof *s->vq);
	memcpy(s->vq[s->nvq++], p, PPV_TS_PACKET);
}

void
ppv_align_audio(struct segmenter *s, const uint8_t *p, const ppv_tspkt *k)
{
	if (!s->aq) {
		s->aq = ppv_xrealloc(NULL, AHOLD * sizeof *s->aq);
		s->aq_pts = ppv_xrealloc(NULL, AHOLD * sizeof *s->aq_pts);
		s->aq_end = ppv_xrealloc(NULL, AHOLD * sizeof *s->aq_end);
	}
	if (k->pusi) {
		uint64_t pts = ppv_pes_pts(k->payload, k->plen);
		if (pts != PPV_TS_NOPTS) {
			/* the PES before ends where this one starts */
			for (size_t i = s->naq; i > 0 && s->aq_end[i - 1] == PPV_TS_NOPTS; i--)
				s->aq_end[i - 1] = pts;
			s->last_apts = pts;
			s->have_apts = true;
		}
	}
	if (s->naq == AHOLD) {       /* audio far ahead of the video: the oldest goes */
		if (s->open)
			ppv_seg_write(s, s->aq[0], PPV_TS_PACKET);
		memmove(s->aq, s->aq + 1, (AHOLD - 1) * sizeof *s->aq);
		memmove(s->aq_pts, s->aq_pts + 1, (AHOLD - 1) * sizeof *s->aq_pts);
		memmove(s->aq_end, s->aq_end + 1, (AHOLD - 1) * sizeof *s->aq_end);
		s->naq--;
	}
	memcpy(s->aq[s->naq], p, PPV_TS_PACKET);
	/* before any timestamp: as early as can be, so the first cut drops it */
	s->aq_pts[s->naq] = s->have_apts ? s->last_apts : (s->have_pts ? s->last_raw : 0);
	s->aq_end[s->naq] = s->have_apts ? PPV_TS_NOPTS : s->aq_pts[s->naq];
	s->naq++;
	if (s->cut_wait && s->have_apts && !before(s->last_apts, s->cut_pts))
		ppv_align_cut_now(s);
}

void
ppv_align_finish(struct segmenter *s)
{
	if (s->cut_wait)
		ppv_align_cut_now(s);
	release(s, 0, true);
}

void
ppv_align_jump(struct segmenter *s)
{
	/* the held audio's times and the video's no longer compare */
	ppv_align_finish(s);
	s->have_apts = false;
}
