/* segment.c: MPEG-TS cut into HLS segments at the packet level, with RFC 8216 playlists, cues and AES-128. */
#include "segment.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libavutil/aes.h>
#include <libavutil/mem.h>

#include "atomic.h"
#include "bytes.h"
#include "cli.h"
#include "keys.h"
#include "m3u8.h"
#include "progress.h"
#include "segint.h"
#include "ts.h"
#include "when.h"

volatile sig_atomic_t ppv_seg_stopping;

void
ppv_segment_stop(void)
{
	ppv_seg_stopping = 1;
}

char *
ppv_seg_path(const struct segmenter *s, const char *file)
{
	return ppv_xasprintf("%s/%s", s->cfg->dir, file);
}

/* keys ------------------------------------------------------------------ */

static char *
expand(const char *tmpl, int n)
{
	char num[24], *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	snprintf(num, sizeof num, "%d", n);
	for (const char *p = tmpl; *p; p++) {
		if (!strncmp(p, "{n}", 3)) {
			fputs(num, f);
			p += 2;
		} else {
			fputc(*p, f);
		}
	}
	fclose(f);
	return out;
}

static const char *
keyname(const struct segmenter *s)
{
	return s->cfg->keyname ? s->cfg->keyname : s->cfg->name;
}

/* A new key: written before any playlist can name it, readable by its owner
 * and group (0640 less the umask): the web server that serves the key reads
 * it through a shared group, and no one else can. A ladder's variants take
 * the one their group made: a player switching rungs fetches no new key. */
static void
new_key(struct segmenter *s, int n)
{
	uint8_t key[16];
	char *file = ppv_xasprintf("%s.%d.key", keyname(s), n), *path = ppv_seg_path(s, file);
	struct seggroup *gr = s->group;

	if (gr && gr->have_key && gr->keyno == n) {
		memcpy(key, gr->key, sizeof key);
	} else {
		ppv_random(key, sizeof key);
		if (ppv_atomic_write(path, key, sizeof key, 0640) < 0)
			ppv_die(PPV_ERR, "%s:", path);
		if (gr) {
			memcpy(gr->key, key, sizeof key);
			gr->keyno = n;
			gr->have_key = true;
		}
	}
	if (!s->aes && !(s->aes = av_aes_alloc()))
		ppv_die(PPV_ERR, "out of memory");
	av_aes_init(s->aes, key, 128, 0);
	explicit_bzero(key, sizeof key);
	char *uri = s->cfg->key_uri ? expand(s->cfg->key_uri, n) : ppv_xasprintf("%s", file);
	free(s->keyline);
	s->keyline = ppv_xasprintf("#EXT-X-KEY:METHOD=AES-128,URI=\"%s\"", uri);
	s->keyno = n;
	free(uri);
	free(file);
	free(path);
}

/* the playlist ---------------------------------------------------------- */

static void
seg_free(struct seg *g)
{
	free(g->key);
	free(g->uri);
	free(g->daterange);
}

static void
write_playlist(struct segmenter *s, bool end)
{
	const ppv_segment_cfg *cfg = s->cfg;
	char *text = NULL, *joined = NULL, b[40], e[40];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ppv_m3u8_out o = { .f = f };
	/* EXT-X-MAP outside I-frame playlists needs version 6 */
	ppv_m3u8_head h = { .version = s->fmp4 ? 6 : 3, .target = cfg->target,
			    .media_seq = s->n ? s->list[0].seq : s->seq, .disc_seq = s->disc_seq,
			    .independent = true };
	char *map = s->init ? ppv_xasprintf("#EXT-X-MAP:URI=\"%s\"", s->init) : NULL;

	o.seq = h.media_seq;
	if (cfg->mode == PPV_SEG_VOD) {
		/* written once, at the end: the target covers every segment */
		size_t longest = 0;
		for (size_t i = 1; i < s->n; i++)
			if (s->list[i].dur > s->list[longest].dur)
				longest = i;
		int64_t need = s->n ? (s->list[longest].dur + TICK / 2) / TICK : 0;
		if (need > h.target) {
			if (!cfg->quiet)
				ppv_warn("%s: EXT-X-TARGETDURATION raised from %d to %" PRId64 " to cover segment %" PRId64
					 " (%ss): no keyframe came in time to end it under %ds", s->inname, cfg->target,
					 need, s->list[longest].seq, ppv_m3u8_fmt_secs(ppv_ticks_to_us(s->list[longest].dur), b),
					 cfg->target);
			h.target = need;
		}
	}
	if (cfg->mode != PPV_SEG_LIVE)
		h.type = cfg->mode == PPV_SEG_VOD ? "VOD" : "EVENT";
	ppv_m3u8_put_header(f, &h);
	for (size_t i = 0; i < s->n; i++) {
		struct seg *g = &s->list[i];
		char cue[128] = "";
		int kind = cfg->cues & PPV_CUES_TAGS ? g->cue : CUE_NONE;
		if (kind == CUE_OUT)
			snprintf(cue, sizeof cue, "#EXT-X-CUE-OUT:DURATION=%s",
				 ppv_m3u8_fmt_secs(ppv_ticks_to_us(g->cue_dur), b));
		else if (kind == CUE_CONT)
			snprintf(cue, sizeof cue, "#EXT-X-CUE-OUT-CONT:ElapsedTime=%s,Duration=%s",
				 ppv_m3u8_fmt_secs(ppv_ticks_to_us(g->cue_elapsed), e),
				 ppv_m3u8_fmt_secs(ppv_ticks_to_us(g->cue_dur), b));
		else if (kind == CUE_IN)
			strcpy(cue, "#EXT-X-CUE-IN");
		const char *extra = *cue ? cue : g->daterange;
		if ((g->daterange && *cue) || g->gap) {
			free(joined);
			joined = g->daterange && *cue ? ppv_xasprintf("%s\n%s", g->daterange, cue)
						      : ppv_xstrdup(extra ? extra : "");
			if (g->gap) {
				char *t = ppv_xasprintf("%s%s#EXT-X-GAP", joined, *joined ? "\n" : "");
				free(joined);
				joined = t;
			}
			extra = joined;
		}
		/* the initialization section is in the clear: its map comes before
		 * the first key. No IV attribute: the media sequence number is the
		 * IV (RFC 8216 5.2) */
		ppv_m3u8_wseg w = {
			.uri = g->uri, .map = map, .key = g->key, .src_seq = g->seq, .extra = extra,
			.dur = ppv_ticks_to_us(g->dur), .disc = g->disc && i > 0,
			.pdt = i == 0 || g->disc || g->dated ? g->pdt : INT64_MIN,
		};
		ppv_m3u8_put_seg(&o, &w);
	}
	free(joined);
	ppv_m3u8_out_free(&o);
	free(map);
	if (end)
		fputs("#EXT-X-ENDLIST\n", f);
	fclose(f);
	char *path = ppv_xasprintf("%s/%s.m3u8", cfg->dir, cfg->name);
	if (ppv_atomic_write(path, text, len, 0644) < 0)
		ppv_die(PPV_ERR, "%s: the last good playlist stays:", path);
	free(path);
	free(text);
}

/* A segment this program names and writes: NAME, digits, .ts or .m4s. A
 * resumed or edited playlist may name others (../ads/x.ts), never ours to delete. */
static bool
ours(const struct segmenter *s, const char *uri)
{
	size_t nl = strlen(s->cfg->name), d;

	if (strncmp(uri, s->cfg->name, nl))
		return false;
	uri += nl;
	if (!(d = strspn(uri, "0123456789")))
		return false;
	return !strcmp(uri + d, ".ts") || !strcmp(uri + d, ".m4s");
}

/* Segments that left the window go once they have been out of it as long as
 * the playlist lasts: a player that read the old playlist still finds them. */
static void
reap(struct segmenter *s, bool all)
{
	int64_t span = 0;
	size_t keep = 0;

	for (size_t i = 0; i < s->n; i++)
		span += s->list[i].dur;
	for (size_t i = 0; i < s->ngone; i++) {
		struct seg *g = &s->gone[i];
		if (all || s->now - g->gone >= span) {
			char *p = ppv_seg_path(s, g->uri);
			if (ours(s, g->uri) && unlink(p) < 0 && errno != ENOENT && !s->cfg->quiet)
				ppv_warn("%s:", p);
			free(p);
			seg_free(g);
		} else {
			s->gone[keep++] = *g;
		}
	}
	s->ngone = keep;
}

static void
slide(struct segmenter *s)
{
	if (s->cfg->mode != PPV_SEG_LIVE)
		return;
	/* a segment leaves only while what stays holds three target durations
	 * (RFC 8216 6.2.2), whatever -w says */
	int64_t held = 0, floor = 3 * (int64_t)s->cfg->target * PPV_TICKS;
	for (size_t i = 0; i < s->n; i++)
		held += s->list[i].dur;
	while (s->n > (size_t)s->cfg->window && held - s->list[0].dur >= floor) {
		struct seg g = s->list[0];
		held -= g.dur;
		memmove(s->list, s->list + 1, --s->n * sizeof *s->list);
		/* its discontinuity leaves with it: count it in the sequence */
		if (s->n && s->list[0].disc)
			s->disc_seq++;
		g.gone = s->now;
		if (s->ngone == s->gonecap)
			s->gone = ppv_xrealloc(s->gone, (s->gonecap = s->gonecap ? 2 * s->gonecap : 16) * sizeof *s->gone);
		s->gone[s->ngone++] = g;
	}
	reap(s, false);
}

/* the stream's tables and clock ------------------------------------------ */

static void
on_pat(void *ctx, const uint8_t *sec, size_t n)
{
	struct segmenter *s = ctx;
	int pid = ppv_pat_pmt_pid(sec, n);

	if (pid < 0 || n > sizeof s->patsec)
		return;
	memcpy(s->patsec, sec, n);
	s->patlen = n;
	s->pmt_pid = pid;
}

static void
on_pmt(void *ctx, const uint8_t *sec, size_t n)
{
	struct segmenter *s = ctx;
	static ppv_pmt m;

	if (ppv_pmt_parse(sec, n, &m) < 0 || n > sizeof s->pmtsec)
		return;
	memcpy(s->pmtsec, sec, n);
	s->pmtlen = n;
	/* the first video and audio of the program, as this PMT has them */
	int vpid = -1, apid = -1;
	uint8_t vtype = 0, atype = 0;
	for (int i = 0; i < m.nes; i++) {
		uint8_t t = m.es[i].stream_type;
		if (vpid < 0 && ppv_stream_is_video(t))
			vpid = m.es[i].pid, vtype = t;
		if (apid < 0 && ppv_stream_is_audio(t))
			apid = m.es[i].pid, atype = t;
	}
	/* an encoder that reconfigures sends a new PMT: follow it, and cut at
	 * the new video's first keyframe with a discontinuity */
	if (vpid >= 0 && s->video_pid >= 0 && (vpid != s->video_pid || vtype != s->video_type || apid != s->audio_pid)) {
		s->jumped = s->newpid = true;
		s->video_pid = -1, s->audio_pid = -1;
	}
	if (s->video_pid < 0 && vpid >= 0)
		s->video_pid = vpid, s->video_type = vtype;
	if (s->audio_pid < 0 && apid >= 0)
		s->audio_pid = apid, s->audio_type = atype;
	for (int i = 0; i < m.nes; i++) {
		uint8_t t = m.es[i].stream_type;
		if (t == PPV_ST_SCTE35 && s->ncue < MAXCUEPIDS) {
			bool known = false;
			for (int k = 0; k < s->ncue; k++)
				known |= s->cuepid[k] == m.es[i].pid;
			if (!known)
				s->cuepid[s->ncue++] = m.es[i].pid;
		}
	}
}

/* A keyframe starts in this packet: the encoder's random access flag, or
 * the NAL units at the start of the access unit (IDR or parameter sets). */
static bool
keyframe(const struct segmenter *s, const uint8_t *p, const ppv_tspkt *k)
{
	if ((p[3] & 0x20) && p[4] > 0 && (p[5] & 0x40))
		return true;
	const uint8_t *q = k->payload;
	size_t n = k->plen;
	if (n < 9 || q[0] || q[1] || q[2] != 1)
		return false;
	size_t at = 9 + (size_t)q[8];
	bool hevc = s->video_type == PPV_ST_HEVC;
	for (; at + 3 < n; at++) {
		if (q[at] || q[at + 1] || q[at + 2] != 1)
			continue;
		uint8_t h = q[at + 3];
		if (hevc) {
			int t = h >> 1 & 0x3f;
			if ((t >= 16 && t <= 21) || t == 32 || t == 33)
				return true;
			if (t <= 9)
				return false;
		} else {
			int t = h & 0x1f;
			if (t == 5 || t == 7)
				return true;
			if (t == 1)
				return false;
		}
	}
	return false;
}

void
ppv_seg_tick(struct segmenter *s, uint64_t raw, uint64_t dts)
{
	if (!s->have_pts) {
		s->have_pts = true;
		s->last_raw = raw;
		s->last_dts = dts;
		s->now = s->maxnow = 0;
		ppv_seg_cues_early(s);
		return;
	}
	int64_t d = ppv_pts_delta(raw, s->last_raw), step = ppv_pts_delta(dts, s->last_dts);
	s->last_raw = raw;
	s->last_dts = dts;
	if (d > JUMP || d < -JUMP || s->newpid) {
		s->newpid = false;
		/* a reset or a jump: the clock goes on a frame later, marked */
		s->now = s->maxnow + (s->frame ? s->frame : 3000);
		s->jumped = true;
	} else {
		s->now += d;
		if (step > 0 && (s->frame == 0 || step < s->frame))
			s->frame = step;
	}
	if (s->now > s->maxnow)
		s->maxnow = s->now;
}

/* Whether the segment ends at this keyframe: the grid point reached, a cue,
 * a jump; or the next keyframe, if it comes as far off as the last ones did,
 * would make this segment round above the target, which no EXTINF may
 * (RFC 8216 4.3.3.1): better end it here, under the target. */
bool
ppv_seg_cut_at_key(struct segmenter *s)
{
	int64_t t = s->cfg->target * (int64_t)TICK, gap = 0, cc = ppv_seg_cue_cut(s);
	bool cut = !s->open || s->jumped || s->now >= s->next_cut ||
		   (cc >= 0 && s->now + (s->frame ? s->frame / 2 : 1500) >= cc);

	if (s->jumped)
		memset(s->gaps, 0, sizeof s->gaps);
	for (int i = 0; i < 3; i++)
		if (s->gaps[i] > gap)
			gap = s->gaps[i];
	if (!cut && gap > 0 && s->now > s->cur.start && s->now - s->cur.start + gap >= t + TICK / 2)
		cut = true;
	if (s->open && !s->jumped && s->now > s->last_key) {
		memmove(s->gaps + 1, s->gaps, 2 * sizeof *s->gaps);
		s->gaps[0] = s->now - s->last_key;
	}
	s->last_key = s->now;
	return cut;
}

/* segments -------------------------------------------------------------- */

static void
put_psi(struct segmenter *s)
{
	uint8_t pkt[PPV_TS_PACKET * 24];
	size_t np;

	if (s->patlen && (np = ppv_ts_packetize(s->patsec, s->patlen, 0, &s->cc_pat, pkt, sizeof pkt)))
		ppv_seg_write(s, pkt, np * PPV_TS_PACKET);
	if (s->pmtlen && (np = ppv_ts_packetize(s->pmtsec, s->pmtlen, (uint16_t)s->pmt_pid, &s->cc_pmt, pkt, sizeof pkt)))
		ppv_seg_write(s, pkt, np * PPV_TS_PACKET);
}

/* master.m3u8 with what was measured: peak and average bit rate, codecs,
 * picture size and frame rate. BANDWIDTH only grows, as RFC 8216 wants it
 * to bound every segment. */
static void
variant(FILE *f, const struct segmenter *s)
{
	char codecs[80];
	uint64_t avg = s->total_dur ? s->total_bytes * 8 * TICK / (uint64_t)s->total_dur : 0;

	snprintf(codecs, sizeof codecs, "%s%s%s", s->es.video, s->es.video[0] && s->es.audio[0] ? "," : "",
		 s->es.audio);
	fprintf(f, "#EXT-X-STREAM-INF:BANDWIDTH=%" PRIu64 ",AVERAGE-BANDWIDTH=%" PRIu64, s->peak_bps, avg);
	if (codecs[0])
		fprintf(f, ",CODECS=\"%s\"", codecs);
	if (s->es.width)
		fprintf(f, ",RESOLUTION=%dx%d", s->es.width, s->es.height);
	if (s->frame) {
		int64_t mfps = (int64_t)TICK * 1000 / s->frame;   /* frames per 1000 s */
		fprintf(f, ",FRAME-RATE=%" PRId64 ".%03" PRId64, mfps / 1000, mfps % 1000);
	}
	fprintf(f, "\n%s.m3u8\n", s->cfg->name);
}

void
ppv_seg_master(struct segmenter *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	fprintf(f, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
	if (!s->group) {
		variant(f, s);
	} else {
		/* a variant with no segment yet has nothing measured to offer */
		for (int i = 0; i < s->group->n; i++)
			if (s->group->v[i]->peak_bps)
				variant(f, s->group->v[i]);
	}
	fclose(f);
	char *path = ppv_xasprintf("%s/master.m3u8", s->cfg->dir);
	if (ppv_atomic_write(path, text, len, 0644) < 0)
		ppv_die(PPV_ERR, "%s:", path);
	free(path);
	free(text);
}

void
ppv_seg_close(struct segmenter *s, int64_t end)
{
	const ppv_segment_cfg *cfg = s->cfg;
	char a[32], b[32];

	if (!s->open)
		return;
	ppv_seg_flush(s);
	if (close(s->fd) < 0)
		ppv_die(PPV_ERR, "%s:", s->tmp);
	/* whole before the playlist names it */
	if (rename(s->tmp, s->final) < 0)
		ppv_die(PPV_ERR, "%s:", s->final);
	s->open = false;
	s->cur.dur = end - s->cur.start;
	if ((s->cur.dur + TICK / 2) / TICK > cfg->target && cfg->mode != PPV_SEG_VOD && !cfg->quiet &&
	    s->nlong++ == 0)
		ppv_warn("%s: segment %" PRId64 " from %ss to %ss lasts longer than the target %ds, which a live "
			 "playlist cannot raise: set the encoder's keyframe interval to %ds or less (ffmpeg -g, "
			 "OBS's Keyframe Interval), or -t higher", s->inname, s->cur.seq,
			 ppv_m3u8_fmt_secs(ppv_ticks_to_us(s->cur.start), a), ppv_m3u8_fmt_secs(ppv_ticks_to_us(end), b),
			 cfg->target, cfg->target);
	if (s->n == s->cap)
		s->list = ppv_xrealloc(s->list, (s->cap = s->cap ? 2 * s->cap : 64) * sizeof *s->list);
	s->list[s->n++] = s->cur;
	memset(&s->cur, 0, sizeof s->cur);
	uint64_t bps = s->list[s->n - 1].dur > 0 ? s->bytes * 8 * TICK / (uint64_t)s->list[s->n - 1].dur : 0;
	bool higher = bps > s->peak_bps;
	if (higher)
		s->peak_bps = bps;
	s->total_bytes += s->bytes;
	s->total_dur += s->list[s->n - 1].dur;
	slide(s);
	if (cfg->mode != PPV_SEG_VOD && !s->ending) {
		/* the master first: it must not understate a segment the playlist names */
		if (cfg->master && higher)
			ppv_seg_master(s);
		write_playlist(s, false);
	}
}

void
ppv_seg_open(struct segmenter *s, int64_t at)
{
	const ppv_segment_cfg *cfg = s->cfg;
	struct seg *g = &s->cur;

	memset(g, 0, sizeof *g);
	g->seq = s->seq++;
	g->start = at;
	g->disc = s->jumped || s->resumed_gap;
	if (g->disc || s->pdt_wall == 0) {
		/* a new run or a jump: the dates start again from the wall clock,
		 * the same for every variant of a ladder (a player switching rungs,
		 * and a break's DATERANGE, go by them) */
		struct seggroup *gr = s->group;
		if (gr && gr->pdt_set && gr->pdt_seq == g->seq) {
			s->pdt_wall = gr->pdt_wall;
			s->pdt_at = gr->pdt_at;
		} else {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			s->pdt_wall = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
			s->pdt_at = at;
			if (gr) {
				gr->pdt_set = true;
				gr->pdt_seq = g->seq;
				gr->pdt_wall = s->pdt_wall;
				gr->pdt_at = at;
			}
		}
		g->dated = true;
	}
	g->pdt = s->pdt_wall + ppv_ticks_to_ms(at - s->pdt_at);
	s->jumped = s->resumed_gap = false;
	g->uri = ppv_xasprintf("%s%" PRId64 ".%s", cfg->name, g->seq, s->fmp4 ? "m4s" : "ts");
	s->bytes = 0;
	free(s->final);
	free(s->tmp);
	s->final = ppv_seg_path(s, g->uri);
	s->tmp = ppv_xasprintf("%s/.%s.tmp", cfg->dir, g->uri);
	if ((s->fd = open(s->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		ppv_die(PPV_ERR, "%s:", s->tmp);
	s->open = true;
	if (cfg->encrypt) {
		int n = s->keybase + (cfg->rotate > 0 ? (int)((g->seq - s->keyfrom) / cfg->rotate) : 0);
		if (!s->keyline || n != s->keyno)
			new_key(s, n);
		g->key = ppv_xasprintf("%s", s->keyline);
		memset(s->iv, 0, 8);
		ppv_put_be(s->iv + 8, (uint32_t)((uint64_t)g->seq >> 32), 4);
		ppv_put_be(s->iv + 12, (uint32_t)g->seq, 4);
		s->ncarry = 0;
	}
	ppv_seg_cue_state(s, g, at);
	if (!s->fmp4)
		put_psi(s);
	/* the grid point after the one nearest: a segment ended early, under
	 * the target, does not leave a sliver before the next grid point */
	int64_t t = cfg->target * (int64_t)TICK;
	s->next_cut = ((at + t / 2) / t + 1) * t;
}

/* resuming: the playlist a previous run left ----------------------------- */

static void
resume(struct segmenter *s)
{
	const ppv_segment_cfg *cfg = s->cfg;
	char *path = ppv_xasprintf("%s/%s.m3u8", cfg->dir, cfg->name), err[256];
	struct stat st;

	if (stat(path, &st) < 0) {
		free(path);
		return;
	}
	ppv_m3u8 *pl = ppv_m3u8_load(path, err, sizeof err);
	if (!pl)
		ppv_die(PPV_ERR, "%s (move it away to start afresh)", err);
	for (size_t i = 0; i < pl->nsegs; i++) {
		const ppv_m3u8_seg *m = &pl->segs[i];
		if (s->n == s->cap)
			s->list = ppv_xrealloc(s->list, (s->cap = s->cap ? 2 * s->cap : 64) * sizeof *s->list);
		struct seg *g = &s->list[s->n++];
		memset(g, 0, sizeof *g);
		g->seq = pl->media_seq + (int64_t)i;
		g->dur = ppv_us_to_ticks(m->dur);
		g->disc = m->disc;
		g->dated = m->dated;
		g->pdt = m->pdt;
		g->uri = ppv_xasprintf("%s", m->uri);
		for (size_t t = m->tag0; t < m->tag0 + m->ntags; t++)
			g->gap = g->gap || !strcmp(pl->tags[t].text, "#EXT-X-GAP");
		/* the master's BANDWIDTH must bound these too, and the average count them */
		char *seg = ppv_seg_path(s, g->uri);
		if (g->dur > 0 && stat(seg, &st) == 0) {
			uint64_t bps = (uint64_t)st.st_size * 8 * TICK / (uint64_t)g->dur;
			s->peak_bps = bps > s->peak_bps ? bps : s->peak_bps;
			s->total_bytes += (uint64_t)st.st_size;
			s->total_dur += g->dur;
		}
		free(seg);
		if (m->key >= 0 && strstr(pl->tags[m->key].text, "METHOD=AES-128")) {
			/* the line without an IV: ours are the sequence numbers */
			char *k = ppv_xasprintf("%s", pl->tags[m->key].text), *iv = strstr(k, ",IV=");
			if (iv)
				*iv = '\0';
			g->key = k;
		}
	}
	s->seq = pl->media_seq + (int64_t)pl->nsegs;
	s->disc_seq = pl->disc_seq;
	s->resumed_gap = pl->nsegs > 0;
	free(pl->text);
	ppv_m3u8_free(pl);
	free(path);
}

/* What a killed run was writing: never named by a playlist, so never
 * needed. Keys a past run wrote are the other way round: a resumed playlist
 * names them, so new keys are numbered after the last of them. */
static void
clear_temps(struct segmenter *s)
{
	DIR *d = opendir(s->cfg->dir);
	struct dirent *e;
	const char *name = s->cfg->name, *kn = keyname(s);
	size_t nl = strlen(name), kl = strlen(kn);

	if (!d)
		return;
	while ((e = readdir(d))) {
		const char *f = e->d_name;
		size_t l = strlen(f);
		if (f[0] == '.' && !strncmp(f + 1, name, nl) && l > 4 && !strcmp(f + l - 4, ".tmp")) {
			char *p = ppv_seg_path(s, f);
			unlink(p);
			free(p);
		}
		char *end;
		long k;
		if (!strncmp(f, kn, kl) && f[kl] == '.' && f[kl + 1] >= '0' && f[kl + 1] <= '9' &&
		    (k = strtol(f + kl + 1, &end, 10)) >= s->keybase && k < INT_MAX && !strcmp(end, ".key"))
			s->keybase = (int)k + 1;
	}
	closedir(d);
	char *pl = ppv_xasprintf("%s/%s.m3u8", s->cfg->dir, name);
	ppv_atomic_sweep(pl);
	free(pl);
	if (s->cfg->master) {
		pl = ppv_xasprintf("%s/master.m3u8", s->cfg->dir);
		ppv_atomic_sweep(pl);
		free(pl);
	}
}

/* the run ---------------------------------------------------------------- */

static void run_ts(struct segmenter *s, ppv_input *in);

/* A file that does not start with two sync bytes 188 apart is some other
 * container: libavformat makes it a transport stream first. */
int
ppv_segment_run(const ppv_segment_cfg *cfg, const char *input)
{
	static struct segmenter s;

	ppv_seg_begin(&s, cfg);
	bool file = input && strcmp(input, "-");
	if (s.fmp4 && file) {
		s.inname = input;
		ppv_seg_run_fmp4(&s, input);
	} else if (!s.fmp4 && file && !ppv_seg_is_ts(input)) {
		s.inname = input;
		ppv_seg_run_remux(&s, input);
		ppv_seg_ts_finish(&s);
	} else {
		ppv_input *in = ppv_input_open(input);
		s.inname = ppv_input_name(in);
		/* what the stream starts with says whether it is TS */
		while (s.have <= PPV_TS_PACKET) {
			size_t got = ppv_input_read(in, s.tsbuf + s.have, sizeof s.tsbuf - s.have);
			if (!got)
				break;
			s.have += got;
		}
		bool ts = s.have > PPV_TS_PACKET && s.tsbuf[0] == 0x47 && s.tsbuf[PPV_TS_PACKET] == 0x47;
		if (s.fmp4 || (!ts && s.have > PPV_TS_PACKET)) {
			/* apart from tsbuf, which the TS muxer's output fills */
			s.src = in;
			s.peeked = s.have;
			s.peek = ppv_xrealloc(NULL, s.have);
			memcpy(s.peek, s.tsbuf, s.have);
			s.have = 0;
			if (s.fmp4) {
				ppv_seg_run_fmp4(&s, NULL);
			} else {
				ppv_seg_run_remux(&s, NULL);
				ppv_seg_ts_finish(&s);
			}
		} else {
			/* its PAT says how many programs: a ladder is cut a variant each */
			int np;
			while (!(np = ppv_seg_programs(s.tsbuf, s.have)) && s.have < sizeof s.tsbuf / 2) {
				size_t got = ppv_input_read(in, s.tsbuf + s.have, sizeof s.tsbuf - s.have);
				if (!got)
					break;
				s.have += got;
			}
			if (np > 1) {
				ppv_seg_run_variants(cfg, in, s.tsbuf, s.have, np);
				ppv_input_close(in);
				ppv_seg_discard(&s);
				return PPV_OK;
			}
			ppv_seg_ts_feed(&s);
			run_ts(&s, in);
			ppv_seg_ts_finish(&s);
		}
		ppv_input_close(in);
		free(s.peek);
	}
	ppv_seg_end(&s);
	return PPV_OK;
}

void
ppv_seg_begin(struct segmenter *s, const ppv_segment_cfg *cfg)
{
	memset(s, 0, sizeof *s);
	s->cfg = cfg;
	s->fmp4 = cfg->fmp4;
	s->pmt_pid = s->video_pid = s->audio_pid = -1;
	s->seq = cfg->start_number;
	if (cfg->encrypt)
		s->ebuf = ppv_xrealloc(NULL, PPV_SEG_EBUF);
	if (ppv_mkdirs(cfg->dir) < 0)
		ppv_die(PPV_ERR, "%s:", cfg->dir);
	clear_temps(s);
	if (cfg->mode != PPV_SEG_VOD)
		resume(s);
	else
		s->keybase = 0;  /* a VOD run starts its directory afresh */
	s->keyfrom = s->seq;
}

void
ppv_seg_end(struct segmenter *s)
{
	s->ending = true;
	ppv_align_finish(s);
	ppv_seg_close(s, s->maxnow + (s->frame ? s->frame : 3000));
	ppv_align_free(s);
	if (s->nlong > 1)
		ppv_warn("%s: %" PRId64 " segments in all lasted longer than the target %ds", s->inname, s->nlong,
			 s->cfg->target);
	if (s->cfg->master)
		ppv_seg_master(s);
	write_playlist(s, true);
	reap(s, false);
	ppv_seg_discard(s);
}

void
ppv_seg_discard(struct segmenter *s)
{
	for (size_t i = 0; i < s->n; i++)
		seg_free(&s->list[i]);
	for (size_t i = 0; i < s->ngone; i++)
		seg_free(&s->gone[i]);
	free(s->list);
	free(s->gone);
	free(s->tmp);
	free(s->final);
	free(s->keyline);
	free(s->ebuf);
	free(s->obuf);
	free(s->init);
	av_free(s->aes);
}

/* TS: packet for packet. Cuts and copies the whole packets in hand. */
/* The packets in hand that go out in the stream's order, as one write. */
struct run {
	size_t at, len;
};

static void
run_flush(struct segmenter *s, struct run *r)
{
	if (r->len && s->open)
		ppv_seg_write(s, s->tsbuf + r->at, r->len);
	r->len = 0;
}

static void
run_add(struct segmenter *s, struct run *r, size_t at)
{
	if (!s->open)
		return;     /* before the first keyframe: nothing decodes */
	if (r->len == 0)
		r->at = at;
	r->len += PPV_TS_PACKET;
}

void
ppv_seg_ts_feed(struct segmenter *s)
{
	const ppv_segment_cfg *cfg = s->cfg;
	ppv_tspkt k;
	struct run run = { 0, 0 };
	size_t at = 0;

	for (;;) {
		uint64_t skipped = s->scan.skipped;
		int rc = ppv_ts_next(&s->scan, s->tsbuf, s->have, &at, &k);
		if (rc < 0)
			ppv_die(PPV_ERR, "%s: not an MPEG transport stream (no 0x47 sync byte)", s->inname);
		if (s->scan.skipped != skipped)
			run_flush(s, &run);  /* what came before the lost bytes is whole */
		if (rc == 0)
			break;
		at -= PPV_TS_PACKET;
		uint8_t *p = s->tsbuf + at;
		/* out of the stream's order (audio, packets behind a waiting cut,
		 * tables the next segment restates): what was in hand goes first */
		if (k.pid == s->audio_pid) {
			if (k.pusi && cfg->master && !s->es.audio[0] && k.plen > 9 && (size_t)9 + k.payload[8] < k.plen)
				ppv_esinfo_audio(&s->es, s->audio_type, k.payload + 9 + k.payload[8], k.plen - 9 - k.payload[8]);
			run_flush(s, &run);
			ppv_align_audio(s, p, &k);
		} else if ((k.pid == 0 || k.pid == s->pmt_pid) && s->cut_wait) {
			/* the segment the waiting cut opens starts with its own */
			ppv_section_feed(k.pid == 0 ? &s->pat : &s->pmt, &k, k.pid == 0 ? on_pat : on_pmt, s);
			run_flush(s, &run);
		} else {
			if (k.pid == 0) {
				ppv_section_feed(&s->pat, &k, on_pat, s);
				p[3] = (uint8_t)((p[3] & 0xf0) | (s->cc_pat++ & 0x0f));
			} else if (k.pid == s->pmt_pid) {
				ppv_section_feed(&s->pmt, &k, on_pmt, s);
				p[3] = (uint8_t)((p[3] & 0xf0) | (s->cc_pmt++ & 0x0f));
			} else if (k.pid == s->video_pid && k.pusi) {
				/* discontinuity_indicator on a keyframe: the source's decoder
				 * parameters changed here (ppv-ingest after a reconnect with other
				 * encoder settings); elsewhere it only excuses a counter's jump */
				bool reset = (p[3] & 0x20) && p[4] > 0 && (p[5] & 0x80) && s->open;
				uint64_t pts = ppv_pes_pts(k.payload, k.plen);
				if (pts != PPV_TS_NOPTS) {
					uint64_t dts = ppv_pes_dts(k.payload, k.plen);
					bool key = keyframe(s, p, &k);
					if (key || ppv_align_busy(s, dts))
						run_flush(s, &run);
					ppv_align_video_due(s, dts, key);
					ppv_seg_tick(s, pts, dts);
					if (reset && key)
						s->jumped = true;
					if (s->jumped)
						ppv_align_jump(s);
					bool cut = key && ppv_seg_cut_at_key(s);
					if (key && cfg->master && !s->es.video[0] && k.plen > 9)
						ppv_esinfo_video(&s->es, s->video_type, k.payload + 9 + k.payload[8],
								 k.plen - 9 - k.payload[8] < k.plen ? k.plen - 9 - k.payload[8] : 0);
					if (cut)
						ppv_align_cut(s, pts);
					ppv_align_video(s, dts);
				}
			} else {
				for (int i = 0; i < s->ncue; i++)
					if (k.pid == s->cuepid[i])
						ppv_section_feed(&s->cuebuf[i], &k, ppv_seg_on_cue, s);
			}
			if (s->cut_wait) {
				run_flush(s, &run);
				ppv_align_hold(s, p);
			} else {
				run_add(s, &run, at);
			}
		}
		at += PPV_TS_PACKET;
	}
	run_flush(s, &run);
	memmove(s->tsbuf, s->tsbuf + at, s->have - at);
	s->have -= at;
}

static void
run_ts(struct segmenter *s, ppv_input *in)
{
	ppv_progress prog;
	size_t got;

	ppv_progress_start(&prog, "packets");
	while (!ppv_seg_stopping && (got = ppv_input_read(in, s->tsbuf + s->have, sizeof s->tsbuf - s->have)) > 0) {
		s->have += got;
		ppv_seg_ts_feed(s);
		ppv_progress_tick(&prog, s->scan.packets);
	}
	ppv_progress_end(&prog, s->scan.packets);
}

void
ppv_seg_ts_finish(struct segmenter *s)
{
	const ppv_segment_cfg *cfg = s->cfg;

	if (s->scan.packets == 0)
		ppv_die(PPV_ERR, "%s: no input", s->inname);
	if (s->video_pid < 0)
		ppv_die(PPV_ERR, "%s: no video stream in the PMT: nothing to cut at", s->inname);
	if (!s->open && s->n == 0)
		ppv_die(PPV_ERR, "%s: no keyframe found: nothing decodable to segment", s->inname);
	if (!cfg->quiet)
		ppv_ts_report(&s->scan, s->inname, s->have);
}
