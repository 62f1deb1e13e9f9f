/* segalign.c: TS segments whose audio starts and ends with their video, within one AAC frame: audio held until the video passes it, a cut until the audio reaches it, the PES across the cut split in two. */
#include "segint.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A transport stream carries audio some tenths of a second ahead of or
 * behind the video of the same time (muxers differ). Cut where the keyframe
 * packet is, a segment's audio would begin or end that far off its video,
 * and players meet a gap at every ad's discontinuity (Shaka jumps it and
 * flags it). Packets are moved whole, per PID in their order, and video is
 * never re-muxed. A PES of AAC across the cut (FFmpeg puts a third of a
 * second in one) is split between its ADTS frames, each frame going to the
 * side that holds most of it; the audio PID's continuity counters then run
 * on from the new packets. Other audio, or a PES that cannot be split
 * (a PCR in it, or not ADTS throughout), goes whole to the side of the cut
 * that holds most of it. */
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

/* Whether the held PES of packet k is over by t (cut: mostly before t, as
 * an unsplit PES across a cut goes). The video only lets a PES go once it
 * is wholly behind it: a cut that comes later may still split it. */
static bool
releasable(const struct segmenter *s, size_t k, uint64_t t, bool cut)
{
	if (s->aq_end[k] == PPV_TS_NOPTS)
		return false;
	if (!cut)
		return !before(t, s->aq_end[k]);
	return before((s->aq_pts[k] + (uint64_t)(ppv_pts_delta(s->aq_end[k], s->aq_pts[k]) / 2)) & (uint64_t)(WRAP - 1),
		      t);
}

bool
ppv_align_busy(const struct segmenter *s, uint64_t dts)
{
	return s->cut_wait || (s->naq && releasable(s, 0, dts, false));
}

/* Writes (or, before the first segment, drops) the held audio over by t;
 * a PES whose end is not known yet waits. */
static void
release(struct segmenter *s, uint64_t t, bool cut, bool all)
{
	size_t k = 0;

	if (!s->naq)
		return;     /* and aq may not be there at all (fMP4, or no audio yet) */
	while (k < s->naq && (all || releasable(s, k, t, cut)))
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
		release(s, dts, false, false);
}

/* The frames of the whole ADTS PES in pes[0, n) (header at 0): the offset
 * of the first whose middle is not before t, with its time in *at; 0 when
 * t is not within the PES or it is not ADTS frames throughout. */
static size_t
adts_split(const uint8_t *pes, size_t n, uint64_t pts, uint64_t t, uint64_t *at)
{
	if (n < 9 || 9u + pes[8] > n)
		return 0;
	size_t h = 9u + pes[8], off = h, cut = 0;
	uint64_t done = 0;          /* samples before off */
	unsigned rate0 = 0;
	int64_t want = ppv_pts_delta(t, pts);

	while (off < n) {
		unsigned rate, samples;
		size_t len = ppv_adts_frame(pes + off, n - off, &rate, &samples);
		if (!len || (rate0 && rate != rate0))
			return 0;
		rate0 = rate;
		if (!cut && (int64_t)((2 * done + samples) * 90000 / (2 * rate)) >= want) {
			cut = off;
			*at = (pts + done * 90000 / rate) & (uint64_t)(WRAP - 1);
		}
		done += samples;
		off += len;
	}
	return cut > h ? cut : 0;
}

/* Splits the held AAC PES that t falls inside between its frames, in place
 * in the queue, so that release(t) sends each frame to its side of the cut. */
static void
split(struct segmenter *s, uint64_t t)
{
	size_t a = 0, b;

	if (s->audio_type != PPV_ST_AAC)
		return;
	while (a < s->naq && !(s->aq_end[a] != PPV_TS_NOPTS && s->aq[a][1] & 0x40 && before(s->aq_pts[a], t) &&
			       before(t, s->aq_end[a])))
		a++;
	if (a == s->naq)
		return;
	for (b = a + 1; b < s->naq && !(s->aq[b][1] & 0x40); b++)
		;
	uint8_t *pes = ppv_xrealloc(NULL, (b - a) * (PPV_TS_PACKET - 4));
	size_t n = 0;
	bool rai = false;
	for (size_t i = a; i < b; i++) {
		ppv_tspkt k;
		const uint8_t *p = s->aq[i];
		bool af = (p[3] & 0x20) && p[4] > 0;
		if (ppv_ts_parse(p, &k) < 0 || (p[3] & 0xc0) || (af && (p[5] & 0x10)))
			goto keep;   /* scrambled, or a PCR that must stay where it is */
		if (i == a)
			rai = af && (p[5] & 0x40);
		memcpy(pes + n, k.payload, k.plen);
		n += k.plen;
	}
	size_t len = (size_t)pes[4] << 8 | pes[5];
	uint64_t at = 0, pts = s->aq_pts[a], end = s->aq_end[a];
	size_t cut = len && len + 6 != n ? 0 : adts_split(pes, n, pts, t, &at);
	if (!cut)
		goto keep;
	/* the two halves, each with its own header, packetized after the queue */
	size_t h = 9u + pes[8], n1 = cut - h, n2 = n - cut;
	uint8_t *two = ppv_xrealloc(NULL, 28 + n1 + n2);
	ppv_pes_header(two, pes[3], pes[6], pts, n1);
	memcpy(two + 14, pes + h, n1);
	ppv_pes_header(two + 14 + n1, pes[3], pes[6], at, n2);
	memcpy(two + 28 + n1, pes + cut, n2);
	/* one more header than before: a packet or two more at most */
	size_t cap = (b - a + 2) * PPV_TS_PACKET;
	uint8_t (*out)[PPV_TS_PACKET] = ppv_xrealloc(NULL, cap), cc = s->aq[a][3] & 0x0f;
	uint16_t pid = (uint16_t)s->audio_pid;
	size_t m1 = ppv_pes_packetize(two, 14 + n1, pid, &cc, rai, out[0], cap);
	size_t m2 = m1 ? ppv_pes_packetize(two + 14 + n1, 14 + n2, pid, &cc, rai, out[m1], cap - m1 * PPV_TS_PACKET) : 0;
	free(two);
	if (!m2 || s->naq - (b - a) + m1 + m2 > AHOLD) {
		free(out);
		goto keep;
	}
	/* what follows on the PID counts on from the new packets */
	uint8_t shift = (uint8_t)(cc - ((s->aq[b - 1][3] & 0x0f) + 1u));
	for (size_t i = b; i < s->naq; i++)
		s->aq[i][3] = (uint8_t)((s->aq[i][3] & 0xf0) | ((s->aq[i][3] + shift) & 0x0f));
	s->acc_shift = (uint8_t)((s->acc_shift + shift) & 0x0f);
	size_t tail = s->naq - b, to = a + m1 + m2;
	memmove(s->aq + to, s->aq + b, tail * sizeof *s->aq);
	memmove(s->aq_pts + to, s->aq_pts + b, tail * sizeof *s->aq_pts);
	memmove(s->aq_end + to, s->aq_end + b, tail * sizeof *s->aq_end);
	memcpy(s->aq + a, out, (m1 + m2) * sizeof *s->aq);
	free(out);
	for (size_t i = a; i < to; i++) {
		s->aq_pts[i] = i < a + m1 ? pts : at;
		s->aq_end[i] = i < a + m1 ? at : end;
	}
	s->naq = to + tail;
keep:
	free(pes);
}

void
ppv_align_cut_now(struct segmenter *s)
{
	split(s, s->cut_pts);
	release(s, s->cut_pts, true, false);
	ppv_seg_close(s, s->cut_clock);
	ppv_seg_open(s, s->cut_clock);
	s->cut_wait = false;
	for (size_t k = 0; k < s->nvq; k++)
		ppv_seg_write(s, s->vq[k], PPV_TS_PACKET);
	s->nvq = 0;
	release(s, s->last_vdts, false, false);
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
	if (s->acc_shift)
		s->aq[s->naq][3] = (uint8_t)((p[3] & 0xf0) | ((p[3] + s->acc_shift) & 0x0f));
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
	release(s, 0, false, true);
}

void
ppv_align_jump(struct segmenter *s)
{
	/* the held audio's times and the video's no longer compare */
	ppv_align_finish(s);
	s->have_apts = false;
}
