/* flvremux.c: FLV to clean MPEG-TS by hand, the path RTMP publishers and FLV files take
 * in ppv-ingest: tags read in place from one buffer, H.264 and AAC made ready for TS by
 * flv.c, written by tsmux.c, on the one timeline both paths keep (timeline.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "cli.h"
#include "flv.h"
#include "flvremux.h"
#include "ingstats.h"
#include "timeline.h"
#include "tsmux.h"
#include "when.h"

enum {
	TB = 90000,
	KEYINT_WARN = 4 * TB,
	BUF = 1 << 16,
	MAX_TAG = (16 << 20) + 15,    /* FLV's 24-bit size, header and trailer */
	QMAX = 512,                   /* tags read ahead to find the streams */
	QBYTES = 16 << 20,
};

struct tag {
	int type;
	int64_t ms;
	uint8_t *body;
	size_t n;
};

typedef struct {
	const ppv_flvremux_cfg *c;
	const ppv_remux_cfg *cfg;
	/* input */
	uint8_t *buf;
	size_t cap, pos, end;
	int eof;
	/* streams */
	ppv_avc avc;
	ppv_aac aac;
	int audio;                    /* 0 none yet, 10 AAC, 2 MP3 */
	int mp3_rate;
	int need_key;
	ppv_tsmux *mux;
	ppv_buf v;                    /* one access unit in Annex B */
	/* timeline */
	ppv_timeline tl;
	ppv_timeline_track tv, ta;
	int64_t last_key;
	int warned_keyint;
	ppv_ingstats st;
	int64_t last_stats;
	uint64_t dropped;             /* malformed, or waiting for a keyframe after one */
	uint64_t early;               /* audio dropped while no video had come */
	int gone;                     /* the reader went away */
	int record_fd;                /* -1 once a write to the recording failed */
	char *err;
	size_t en;
} flv;

static const char *
name_of(const flv *f)
{
	const char *n = f->cfg->name_of ? f->cfg->name_of(f->cfg->ctx) : NULL;

	return n ? n : "input";
}

static int
fail(flv *f, const char *fmt, const char *what)
{
	snprintf(f->err, f->en, fmt, what);
	return -1;
}

/* --- input ------------------------------------------------------------------------- */

/* n bytes at f->buf + f->pos: 1, 0 at the end of the input, -1 an error */
static int
need(flv *f, size_t n)
{
	while (f->end - f->pos < n) {
		if (f->pos) {
			memmove(f->buf, f->buf + f->pos, f->end - f->pos);
			f->end -= f->pos;
			f->pos = 0;
		}
		if (f->end == f->cap) {
			/* full and n not there yet: room as the bytes come, not as a
			 * tag's header claims (a cut-off file may claim 16 MiB) */
			size_t cap = f->cap * 2;
			uint8_t *b = realloc(f->buf, cap);
			if (!b)
				return fail(f, "%s", "out of memory");
			f->buf = b;
			f->cap = cap;
		}
		if (f->eof)
			return 0;
		/* what is muxed goes out before a read that may wait: a live
		 * reader gets each of the publisher's bursts whole and at once, a
		 * file's writes are as large as its reads */
		if (f->mux && ppv_tsmux_flush(f->mux) < 0)
			return -1;
		ssize_t r = f->c->read(f->c->rctx, f->buf + f->end, f->cap - f->end);
		if (r < 0 && errno == EINTR && !(f->cfg->stop && *f->cfg->stop))
			continue;
		if (r < 0 && !(f->cfg->stop && *f->cfg->stop))
			return fail(f, "cannot read the input: %s", strerror(errno));
		if (r <= 0) {
			f->eof = 1;
			return 0;
		}
		f->end += (size_t)r;
	}
	return 1;
}

/* The next tag, its body pointing into the buffer until the next call: 1,
 * 0 at the end, -1 an error. */
static int
next_tag(flv *f, struct tag *t)
{
	ppv_flv_tag h;
	int k;

	if ((k = need(f, PPV_FLV_TAG_HEADER)) <= 0)
		return k;
	ppv_flv_tag_parse(f->buf + f->pos, &h);
	if ((k = need(f, PPV_FLV_TAG_HEADER + h.size + 4)) <= 0)
		return k < 0 ? k : 0;   /* a cut-off last tag is dropped, as FFmpeg drops it */
	*t = (struct tag){ h.type, h.ms, f->buf + f->pos + PPV_FLV_TAG_HEADER, h.size };
	f->pos += PPV_FLV_TAG_HEADER + h.size + 4;
	return 1;
}

/* --- output ------------------------------------------------------------------------ */

/* Every byte of p to fd; -1 with errno. */
static int
write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
out_write(void *ctx, const uint8_t *p, size_t n)
{
	flv *f = ctx;

	/* a full disk ends the archive, not the live stream */
	if (f->record_fd >= 0 && write_all(f->record_fd, p, n) < 0) {
		ppv_warn("%s: the recording stops here: %s", f->c->record_name, strerror(errno));
		f->record_fd = -1;
	}
	if (write_all(f->c->fd, p, n) < 0) {
		if (errno == EPIPE)
			f->gone = 1;
		else
			fail(f, "cannot write the MPEG-TS output: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void
stats(flv *f, int final)
{
	int64_t now = ppv_now_ms();
	const ppv_remux_cfg *c = f->cfg;

	if (c->stats_fd < 0 || (!final && now - f->last_stats < c->stats_every_ms))
		return;
	f->st.name = c->name_of ? c->name_of(c->ctx) : NULL;
	f->st.remote = c->remote_of ? c->remote_of(c->ctx) : NULL;
	f->st.reconnects = c->reconnects ? c->reconnects(c->ctx) : 0;
	f->st.bytes = ppv_tsmux_bytes(f->mux);
	f->st.dropped = f->dropped + f->early;
	ppv_ingstats_write(c->stats_fd, &f->st, final);
	f->last_stats = now;
}

/* An access unit on the output timeline (timeline.c); ms and cts as FLV has them. */
static void
retime(flv *f, ppv_timeline_track *t, int64_t ms, int64_t cts, int64_t dur, int video, int64_t *pts, int64_t *dts)
{
	*dts = ppv_timeline_place(&f->tl, t, ms * 90, dur, video);
	*pts = *dts + cts * 90;
	if (*pts < *dts)
		*pts = *dts;   /* a negative composition time: none of the decoder's order is lost */
	f->st.jumps = f->tl.jumps;
}

static int
put_video(flv *f, const struct tag *t)
{
	const uint8_t *b = t->body;
	int key = (b[0] >> 4) == 1;
	int64_t cts = (int32_t)(ppv_get_be(b + 2, 3) << 8) >> 8, pts, dts;

	if (f->need_key) {
		if (!key) {
			f->dropped++;
			return 0;
		}
		f->need_key = 0;
	}
	f->v.n = 0;
	if (ppv_avc_annexb(&f->avc, b + 5, t->n - 5, &f->v) < 0) {
		/* one bad packet must not end the event: it goes, with what refers to it */
		if (!f->dropped++)
			ppv_warn("%s: a malformed video packet was dropped, and what follows up to the next keyframe",
			         name_of(f));
		f->need_key = 1;
		return 0;
	}
	retime(f, &f->tv, t->ms, cts, 0, 1, &pts, &dts);
	if (key) {
		if (f->last_key >= 0)
			f->st.keyint = dts - f->last_key;
		f->last_key = dts;
		if (f->st.keyint > KEYINT_WARN && !f->warned_keyint) {
			ppv_warn("%s: keyframes every %.1f s: players and segmenters need one at "
			         "least every 4 s (set the encoder's keyframe interval to 2 s)",
			         name_of(f), (double)f->st.keyint / TB);
			f->warned_keyint = 1;
		}
	}
	f->st.vlast = dts;
	f->st.win_frames++;
	f->st.win_bytes += f->v.n;
	if (ppv_tsmux_put(f->mux, 1, pts, dts, key, NULL, 0, f->v.b, f->v.n) < 0)
		return -1;
	return 0;
}

static int
put_audio(flv *f, const struct tag *t)
{
	const uint8_t *b = t->body + (f->audio == 10 ? 2 : 1);
	size_t n = t->n - (f->audio == 10 ? 2 : 1);
	uint8_t adts[7];
	int64_t pts, dts, dur;

	if (f->audio == 10) {
		if (ppv_adts(&f->aac, n, adts) < 0)
			return 0;
		dur = (int64_t)1024 * TB / f->aac.rate;
	} else {
		int rate = ppv_mp3_rate(b, n);
		dur = rate ? (int64_t)(rate >= 32000 ? 1152 : 576) * TB / rate : 0;
	}
	retime(f, &f->ta, t->ms, 0, dur, 0, &pts, &dts);
	f->st.alast = dts;
	f->st.win_bytes += n;
	return ppv_tsmux_put(f->mux, 0, pts, dts, 0, adts, f->audio == 10 ? 7 : 0, b, n);
}

/* New decoder configuration after the start: a publisher back with other
 * encoder settings. The output says discontinuity and starts again with it. */
static void
reconfigured(flv *f, int video, const char *what)
{
	f->st.reconfigs++;
	ppv_tsmux_discontinuity(f->mux);
	if (video)
		f->need_key = 1;
	ppv_warn("%s: the encoder's %s settings changed%s: a discontinuity in the output", name_of(f),
	         video ? "video" : "audio", what);
}

static const char *
video_codec(int id)
{
	static const char *names[16] = { [2] = "flv1", [3] = "flashsv", [4] = "vp6f", [5] = "vp6a",
		                         [6] = "flashsv2", [12] = "hevc", [13] = "av1" };
	return id >= 0 && id < 16 && names[id] ? names[id] : "unknown";
}

static const char *
audio_codec(int id)
{
	static const char *names[16] = { [0] = "pcm", [1] = "adpcm_swf", [3] = "pcm_s16le", [4] = "nellymoser",
		                         [5] = "nellymoser", [6] = "nellymoser", [7] = "pcm_alaw", [8] = "pcm_mulaw",
		                         [11] = "speex", [13] = "opus", [14] = "mp3" };
	return id >= 0 && id < 16 && names[id] ? names[id] : "unknown";
}

/* One tag of the stream: 0, -1 an error (f->err), 1 the reader went away. */
static int
put(flv *f, const struct tag *t)
{
	if (t->type == PPV_FLV_VIDEO && t->n >= 5 && (t->body[0] & 0x0f) == 7) {
		if (t->body[1] == 0) {
			ppv_avc c;
			if (ppv_avc_config(&c, t->body + 5, t->n - 5) < 0)
				return 0;   /* FFmpeg too goes on with the configuration it had */
			int changed = f->avc.length_size && (c.ps_len != f->avc.ps_len || memcmp(c.ps, f->avc.ps, c.ps_len));
			if (f->avc.length_size && !changed)
				return 0;
			f->avc = c;
			if (changed)
				reconfigured(f, 1, "");
			return 0;
		}
		if (t->body[1] != 1 || !f->avc.length_size)
			return 0;
		return put_video(f, t) < 0 ? -1 : 0;
	}
	if (t->type == PPV_FLV_AUDIO && t->n >= 2 && f->audio) {
		int fmt = t->body[0] >> 4;
		if (fmt != f->audio)
			return 0;   /* the output's audio is fixed by now */
		if (fmt == 10 && t->body[1] == 0) {
			ppv_aac a;
			uint8_t h[7];
			if (ppv_aac_config(&a, t->body + 2, t->n - 2) < 0 || ppv_adts(&a, 0, h) < 0 ||
			    !memcmp(&a, &f->aac, sizeof a))
				return 0;
			char what[64];
			snprintf(what, sizeof what, " (audio now %d Hz, %d channel%s)", a.rate, a.channels,
			         a.channels == 1 ? "" : "s");
			f->aac = a;
			reconfigured(f, 0, what);
			return 0;
		}
		return put_audio(f, t) < 0 ? -1 : 0;
	}
	return 0;
}

/* --- the streams, found by reading ahead ------------------------------------------- */

/* What the first tags say: 1 ready (video configured and a frame of it),
 * 0 not yet, -1 unsupported (f->err). */
static int
look(flv *f, const struct tag *t, int *audio_seen)
{
	if (t->type == PPV_FLV_VIDEO && t->n >= 1) {
		int id = t->body[0] & 0x0f;
		if ((t->body[0] & 0x80) || id != 7) {
			const char *name = t->body[0] & 0x80 ? "enhanced RTMP" : video_codec(id);
			return fail(f, "unsupported video codec '%s': H.264 is needed on this path", name);
		}
		if (t->n >= 5 && t->body[1] == 0 && !f->avc.length_size)
			ppv_avc_config(&f->avc, t->body + 5, t->n - 5);
	} else if (t->type == PPV_FLV_AUDIO && t->n >= 2 && !f->audio) {
		int fmt = t->body[0] >> 4;
		if (fmt == 10 && t->body[1] == 0 && t->n < 4) {
			/* an empty configuration: FFmpeg's FLV muxer writes one when it has none yet */
		} else if (fmt == 10 && t->body[1] == 0) {
			uint8_t h[7];
			if (ppv_aac_config(&f->aac, t->body + 2, t->n - 2) < 0 || ppv_adts(&f->aac, 0, h) < 0)
				return fail(f, "%s", "an AAC configuration ADTS cannot carry: AAC Main, LC, SSR or LTP "
				                     "at a standard rate with 1 to 8 channels is needed");
			f->audio = 10;
		} else if (fmt == 2) {
			f->audio = 2;
		} else if (fmt != 10) {
			return fail(f, "unsupported audio codec '%s': AAC or MP3 is needed", audio_codec(fmt));
		}
		*audio_seen = f->audio != 0;   /* AAC frames before their configuration wait for it */
	}
	return 0;
}

int
ppv_flvremux(const ppv_flvremux_cfg *c, char *err, size_t en)
{
	flv f = { .c = c, .cfg = c->cfg, .record_fd = c->record_fd, .cap = BUF, .last_key = -1, .err = err, .en = en };
	struct tag q[QMAX], t;
	int nq = 0, k, rc = 0, video_at = -1, audio_seen = 0;
	size_t qbytes = 0;

	*err = '\0';
	if (!(f.buf = malloc(f.cap)))
		return fail(&f, "%s", "out of memory"), 2;
	if ((k = need(&f, PPV_FLV_HEADER)) <= 0 || ppv_flv_header(f.buf, f.end) < 0) {
		if (!*err)
			fail(&f, "%s", k == 0 && f.end == 0 ? "the input has no packets" : "not an FLV stream");
		free(f.buf);
		return 2;
	}
	size_t skip = (size_t)ppv_flv_header(f.buf, f.end) + 4;   /* and PreviousTagSize0 */
	if (need(&f, skip) < 0) {
		free(f.buf);
		return 2;
	}
	f.pos = skip <= f.end ? skip : f.end;
	/* read ahead, copying, until the streams are known */
	for (;;) {
		if ((k = next_tag(&f, &t)) <= 0)
			break;
		if (t.type != PPV_FLV_VIDEO && t.type != PPV_FLV_AUDIO)
			continue;
		if (look(&f, &t, &audio_seen) < 0) {
			k = -1;
			break;
		}
		if (nq == QMAX || qbytes + t.n > QBYTES) {
			if (video_at >= 0)
				break;
			/* no video yet: what waits for it is bounded, the oldest goes */
			if (!f.early++)
				ppv_warn("%s: audio before any video: the oldest is dropped while waiting for video",
				         name_of(&f));
			qbytes -= q[0].n;
			free(q[0].body);
			memmove(q, q + 1, (size_t)--nq * sizeof *q);
		}
		q[nq] = t;
		if (!(q[nq].body = malloc(t.n ? t.n : 1))) {
			k = fail(&f, "%s", "out of memory");
			break;
		}
		memcpy(q[nq].body, t.body, t.n);
		qbytes += t.n;
		if (t.type == PPV_FLV_VIDEO && video_at < 0 && f.avc.length_size && t.n >= 5 && t.body[1] == 1)
			video_at = nq;
		nq++;
		if (video_at >= 0 && (audio_seen || nq - video_at > 90))
			break;
	}
	if (nq == 0 && f.cfg->stop && *f.cfg->stop) {
		free(f.buf);
		return 0;
	}
	if (k < 0) {
		rc = 2;
	} else if (nq == 0) {
		fail(&f, "%s", "the input has no packets");
		rc = 2;
	} else if (video_at < 0) {
		fail(&f, "%s", "no video stream: a live stream needs H.264 or HEVC video");
		rc = 2;
	} else if (!(f.mux = ppv_tsmux_new(f.audio == 10 ? PPV_TSMUX_AAC : f.audio == 2 ? PPV_TSMUX_MP3 : 0,
	                                    out_write, &f))) {
		fail(&f, "%s", "out of memory");
		rc = 2;
	}
	/* the configuration put() compares with is the one found; the queue replays from it */
	f.last_stats = ppv_now_ms();
	for (int i = 0; i < nq; i++) {
		if (!rc && put(&f, &q[i]) < 0)
			rc = f.gone ? -1 : 2;
		free(q[i].body);
	}
	while (!rc && !(f.cfg->stop && *f.cfg->stop)) {
		if ((k = next_tag(&f, &t)) <= 0) {
			if (k < 0)
				rc = f.gone ? -1 : 2;
			break;
		}
		if (put(&f, &t) < 0) {
			rc = f.gone ? -1 : 2;
			break;
		}
		stats(&f, 0);
		if (f.cfg->max_ms && f.st.vlast >= f.cfg->max_ms * (TB / 1000) + PPV_TIMELINE_START)
			break;
	}
	if (f.mux && rc == 0 && ppv_tsmux_flush(f.mux) < 0)
		rc = f.gone ? -1 : 2;
	if (f.dropped > 1)
		ppv_warn("%s: %llu packets dropped in all: malformed, or waiting for a keyframe after one", name_of(&f),
		         (unsigned long long)f.dropped);
	if (f.mux) {
		stats(&f, 1);
		ppv_tsmux_free(f.mux);
	}
	ppv_buf_free(&f.v);
	free(f.buf);
	return rc < 0 ? 0 : rc;
}
