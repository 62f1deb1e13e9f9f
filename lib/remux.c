/* remux.c: what makes ingest output clean: only H.264/HEVC video and AAC/Opus/MP3 audio,
 * timestamps that never jump or go back (a reconnect or a source reset continues where the
 * output stopped), and per-stream statistics. Streams are found by reading a little ahead
 * rather than by decoding (avformat_find_stream_info), which keeps memory small. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>

#include "avload.h"
#include "cli.h"
#include "flv.h"
#include "ingstats.h"
#include "remux.h"
#include "timeline.h"
#include "when.h"

enum {
	QMAX = 512,                   /* packets read ahead to find the streams */
	QBYTES = 16 << 20,            /* ... and their bytes: a publisher's packets may be 8 MiB each */
	TB = 90000,
	KEYINT_WARN = 4 * TB,
};

struct track {
	int out;                      /* output index, -1 when dropped */
	int video;
	ppv_timeline_track tl;
	int64_t last_key, keyint;
	int need_key;                 /* video: a packet was dropped, the rest waits for a keyframe */
	int rate, frame_size;         /* audio, kept: libavformat may clear its codecpar copy */
	int64_t rem;                  /* audio: rounding carried between frames, ticks * rate */
	uint64_t frames, bytes;
};

typedef struct {
	const ppv_remux_cfg *cfg;
	AVFormatContext *in;
	ppv_tsout *out;
	struct track *t;
	unsigned nt, late;            /* streams known at the start; late ones dropped */
	ppv_timeline tl;
	int64_t last_stats;
	int64_t vlast, alast;         /* last video / audio output dts */
	uint64_t win_frames, win_bytes;
	int64_t win_start;
	int warned_keyint;
	uint64_t dropped;             /* packets the muxer refused, and what depended on them */
	uint64_t early;               /* audio dropped while no video had come */
	int reconfigs;
} remux;

static const ppv_av *av;      /* libavformat, opened by the caller's input */

static const char *
codec_ok(const AVCodecParameters *p)
{
	if (p->codec_type == AVMEDIA_TYPE_VIDEO)
		return p->codec_id == AV_CODEC_ID_H264 || p->codec_id == AV_CODEC_ID_HEVC ? NULL
		       : "H.264 or HEVC";
	if (p->codec_type == AVMEDIA_TYPE_AUDIO)
		return p->codec_id == AV_CODEC_ID_AAC || p->codec_id == AV_CODEC_ID_OPUS ||
		       p->codec_id == AV_CODEC_ID_MP3 ? NULL : "AAC, Opus or MP3";
	return "";
}

/* TS and some other containers say "AAC" but not its rate or channels, which
 * the muxer needs, and the AAC parser does not give them (HE-AAC's headers
 * tell half the rate); decoding one audio frame does, for a few kilobytes,
 * where avformat_find_stream_info would also decode megabytes of video.
 * Returns 1 while the stream still lacks them. */
static int
audio_params(AVStream *st, const AVPacket *p)
{
	AVCodecParameters *par = st->codecpar;

	if (par->codec_type != AVMEDIA_TYPE_AUDIO || par->codec_id == AV_CODEC_ID_NONE ||
	    (par->sample_rate > 0 && par->ch_layout.nb_channels > 0))
		return 0;
	if (!p || p->stream_index != st->index || p->size <= 0)
		return 1;
	const AVCodec *dec = av->avcodec_find_decoder(par->codec_id);
	AVCodecContext *c = dec ? av->avcodec_alloc_context3(dec) : NULL;
	AVFrame *f = av_frame_alloc();
	if (c && f && av->avcodec_parameters_to_context(c, par) >= 0) {
		c->thread_count = 1;
		if (av->avcodec_open2(c, dec, NULL) >= 0 && av->avcodec_send_packet(c, p) >= 0 &&
		    av->avcodec_receive_frame(c, f) >= 0 && f->sample_rate > 0 &&
		    f->ch_layout.nb_channels > 0) {
			par->sample_rate = f->sample_rate;
			av_channel_layout_uninit(&par->ch_layout);
			av_channel_layout_copy(&par->ch_layout, &f->ch_layout);
			if (!par->frame_size)
				par->frame_size = f->nb_samples;
		}
	}
	av_frame_free(&f);
	av->avcodec_free_context(&c);
	return par->sample_rate <= 0 || par->ch_layout.nb_channels <= 0;
}

/* Output streams for what the input has: one video (required), one audio. */
static int
setup(remux *r, char *err, size_t n)
{
	int have_v = 0, have_a = 0;

	r->nt = r->in->nb_streams;
	r->t = calloc(r->nt, sizeof *r->t);
	if (!r->t) {
		snprintf(err, n, "out of memory");
		return -1;
	}
	for (unsigned i = 0; i < r->in->nb_streams; i++) {
		const AVCodecParameters *p = r->in->streams[i]->codecpar;
		const char *want = codec_ok(p);
		r->t[i].out = -1;
		if (p->codec_type == AVMEDIA_TYPE_VIDEO && (have_v || (p->codec_id == AV_CODEC_ID_NONE)))
			continue;
		if (p->codec_type == AVMEDIA_TYPE_AUDIO && (have_a || p->codec_id == AV_CODEC_ID_NONE))
			continue;
		if (want && *want) {
			snprintf(err, n, "unsupported %s codec '%s': %s is needed",
			         av_get_media_type_string(p->codec_type), av->avcodec_get_name(p->codec_id), want);
			return -1;
		}
		if (want)
			continue;  /* data, subtitles: not part of a clean A/V stream */
		if (audio_params(r->in->streams[i], NULL)) {
			ppv_warn("input: audio stream %u: no sample rate in its first packets; it is "
			         "dropped", i);
			continue;
		}
		r->t[i].video = p->codec_type == AVMEDIA_TYPE_VIDEO;
		r->t[i].rate = p->sample_rate;
		r->t[i].frame_size = p->frame_size;
		r->t[i].out = ppv_tsout_add(r->out, p, (AVRational){ 1, TB });
		if (r->t[i].out < 0) {
			snprintf(err, n, "cannot add an output stream");
			return -1;
		}
		have_v |= r->t[i].video;
		have_a |= !r->t[i].video;
	}
	if (!have_v) {
		snprintf(err, n, "no video stream: a live stream needs H.264 or HEVC video");
		return -1;
	}
	return ppv_tsout_start(r->out, err, n);
}

static const char *
name_of(const remux *r)
{
	const char *n = r->cfg->name_of ? r->cfg->name_of(r->cfg->ctx) : NULL;

	return n ? n : "input";
}

static void
stats(remux *r, int final)
{
	const ppv_remux_cfg *c = r->cfg;
	int64_t now = ppv_now_ms();
	struct track *v = NULL;

	if (c->stats_fd < 0 || (!final && now - r->last_stats < c->stats_every_ms))
		return;
	for (unsigned i = 0; i < r->nt; i++)
		if (r->t[i].out >= 0 && r->t[i].video)
			v = &r->t[i];
	ppv_ingstats s = {
		.name = c->name_of ? c->name_of(c->ctx) : NULL, .remote = c->remote_of ? c->remote_of(c->ctx) : NULL,
		.vlast = r->vlast, .alast = r->alast, .win_start = r->win_start, .win_frames = r->win_frames,
		.win_bytes = r->win_bytes, .keyint = v ? v->keyint : 0, .bytes = ppv_tsout_bytes(r->out),
		.reconnects = c->reconnects ? c->reconnects(c->ctx) : 0, .jumps = r->tl.jumps,
		.dropped = r->dropped + r->early, .reconfigs = r->reconfigs,
	};
	ppv_ingstats_write(c->stats_fd, &s, final);
	r->last_stats = now;
	r->win_frames = r->win_bytes = 0;
	r->win_start = r->vlast;
}

/* Places a packet on the output timeline (timeline.c), in 90 kHz. */
static void
retime(remux *r, struct track *t, AVPacket *p, AVRational tb)
{
	AVRational k90 = { 1, TB };
	int64_t dts = p->dts != AV_NOPTS_VALUE ? p->dts : p->pts;

	/* TS carries one timestamp per PES, which may hold several audio frames;
	 * those without follow on at the codec's frame duration */
	if (!t->video && p->duration <= 0 && t->rate > 0 && t->frame_size > 0) {
		int64_t num = (int64_t)t->frame_size * TB + t->rem;
		int64_t d = (num + t->rate / 2) / t->rate;  /* nearest, the error carried */
		p->duration = av_rescale_q(d, k90, tb);
		t->rem = num - d * t->rate;
	}
	if (dts == AV_NOPTS_VALUE)
		dts = t->tl.seen ? t->tl.last + t->tl.dur - r->tl.offset : -r->tl.offset;
	else
		dts = av_rescale_q(dts, tb, k90);
	int64_t pts = p->pts != AV_NOPTS_VALUE ? av_rescale_q(p->pts, tb, k90) : dts;
	int64_t dur = p->duration > 0 ? av_rescale_q(p->duration, tb, k90) : 0;
	int64_t out = ppv_timeline_place(&r->tl, &t->tl, dts, dur, t->video);
	p->dts = out;
	p->pts = pts + out - dts;
	if (p->pts < p->dts)
		p->pts = p->dts;
	p->duration = t->tl.dur;
}

/* A publisher back with other encoder settings sends new decoder
 * configuration (FLV sequence headers): the output's muxer is set up again
 * with it, or the rest of the event would not decode. */
static int
reconfigure(remux *r, struct track *t, const uint8_t *x, size_t xn, char *err, size_t n)
{
	AVFormatContext *oc = ppv_tsout_ctx(r->out);
	const AVCodecParameters *cur = oc->streams[t->out]->codecpar;
	char what[96] = "";

	if (cur->extradata && (size_t)cur->extradata_size == xn && !memcmp(cur->extradata, x, xn))
		return 0;
	AVCodecParameters *par = av->avcodec_parameters_alloc();
	if (!par || av->avcodec_parameters_copy(par, cur) < 0) {
		av->avcodec_parameters_free(&par);
		snprintf(err, n, "out of memory");
		return -1;
	}
	av_freep(&par->extradata);
	if (!(par->extradata = av_mallocz(xn + AV_INPUT_BUFFER_PADDING_SIZE))) {
		av->avcodec_parameters_free(&par);
		snprintf(err, n, "out of memory");
		return -1;
	}
	memcpy(par->extradata, x, xn);
	par->extradata_size = (int)xn;
	ppv_aac aac;
	if (!t->video && par->codec_id == AV_CODEC_ID_AAC && !ppv_aac_config(&aac, x, xn)) {
		int rate = aac.rate, ch = aac.channels;
		par->sample_rate = t->rate = rate;
		av_channel_layout_uninit(&par->ch_layout);
		av_channel_layout_default(&par->ch_layout, ch);
		t->rem = 0;
		snprintf(what, sizeof what, " (audio now %d Hz, %d channel%s)", rate, ch, ch == 1 ? "" : "s");
	}
	int k = ppv_tsout_reconfigure(r->out, t->out, par, err, n);
	av->avcodec_parameters_free(&par);
	if (k < 0)
		return -1;
	r->reconfigs++;
	if (t->video)
		t->need_key = 1;
	ppv_warn("%s: the encoder's %s settings changed%s: a discontinuity in the output", name_of(r),
	         t->video ? "video" : "audio", what);
	return 0;
}

static int
write_packet(remux *r, AVPacket *p, char *err, size_t n)
{
	struct track *t;
	AVRational tb = r->in->streams[p->stream_index]->time_base;
	size_t xn;
	const uint8_t *x;

	if ((unsigned)p->stream_index >= r->nt)
		return 0;
	t = &r->t[p->stream_index];
	if (t->out < 0)
		return 0;
	if ((x = av->av_packet_get_side_data(p, AV_PKT_DATA_NEW_EXTRADATA, &xn)) && xn && reconfigure(r, t, x, xn, err, n))
		return -1;
	if (t->video && t->need_key) {
		if (!(p->flags & AV_PKT_FLAG_KEY)) {
			r->dropped++;
			return 0;
		}
		t->need_key = 0;
	}
	retime(r, t, p, tb);
	if (t->video) {
		if (p->flags & AV_PKT_FLAG_KEY) {
			if (t->last_key >= 0 && t->frames)
				t->keyint = p->dts - t->last_key;
			t->last_key = p->dts;
			if (t->keyint > KEYINT_WARN && !r->warned_keyint) {
				ppv_warn("%s: keyframes every %.1f s: players and segmenters need one at "
				         "least every 4 s (set the encoder's keyframe interval to 2 s)",
				         name_of(r), (double)t->keyint / TB);
				r->warned_keyint = 1;
			}
		}
		r->vlast = p->dts;
		r->win_frames++;
		t->frames++;
	} else {
		r->alast = p->dts;
	}
	r->win_bytes += (uint64_t)p->size;
	p->stream_index = t->out;
	p->pos = -1;
	int k = ppv_tsout_write(r->out, p);
	if (k == -2) {
		/* one bad packet from a publisher must not end the event: it goes,
		 * with the frames that would have referred to it */
		if (!r->dropped++)
			ppv_warn("%s: a malformed %s packet was dropped%s", name_of(r), t->video ? "video" : "audio",
			         t->video ? ", and what follows up to the next keyframe" : "");
		t->need_key = t->video;
		return 0;
	}
	if (k < 0) {
		snprintf(err, n, "cannot write the MPEG-TS output");
		return -1;
	}
	stats(r, 0);
	return k;  /* 1: the reader is gone */
}

int
ppv_remux(AVFormatContext *in, ppv_tsout *out, const ppv_remux_cfg *cfg, char *err, size_t n)
{
	remux r = { .cfg = cfg, .in = in, .out = out };
	AVPacket *q[QMAX], *p;
	int nq = 0, rc = 0, k = 0, video_at = -1;
	size_t qbytes = 0;

	if (!(av = ppv_av_load(err, n)))
		return -1;
	p = av->av_packet_alloc();

	/* read ahead until the streams are known: video and, if it has any, audio */
	for (;;) {
		if (nq == QMAX || qbytes > QBYTES) {
			if (video_at >= 0)
				break;
			/* no video yet: what waits for it is bounded, the oldest goes */
			if (!r.early++)
				ppv_warn("%s: audio before any video: the oldest is dropped while waiting for video",
				         name_of(&r));
			qbytes -= (size_t)q[0]->size;
			av->av_packet_free(&q[0]);
			memmove(q, q + 1, (size_t)--nq * sizeof *q);
		}
		if (!(q[nq] = av->av_packet_alloc()))
			break;
		if ((k = av->av_read_frame(in, q[nq])) < 0) {
			av->av_packet_free(&q[nq]);
			break;
		}
		const AVCodecParameters *par = in->streams[q[nq]->stream_index]->codecpar;
		if (par->codec_type == AVMEDIA_TYPE_VIDEO && video_at < 0)
			video_at = nq;
		qbytes += (size_t)q[nq]->size;
		nq++;
		int audio = 0, lacking = 0;
		for (unsigned i = 0; i < in->nb_streams; i++) {
			audio |= in->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO;
			lacking |= audio_params(in->streams[i], q[nq - 1]);
		}
		/* audio known, or a good number of packets since the first video one */
		if (video_at >= 0 && ((audio && !lacking) || nq - video_at > 90))
			break;
	}
	if (nq == 0 && cfg->stop && *cfg->stop) {
		/* stopped before any media: nothing to close, nothing to report */
		av->av_packet_free(&p);
		return 0;
	}
	if (k < 0 && k != AVERROR_EOF && !(cfg->stop && *cfg->stop)) {
		snprintf(err, n, "cannot read the input: %s", av_err2str(k));
		rc = 2;
	} else if (nq == 0) {
		snprintf(err, n, "the input has no packets");
		rc = 2;
	} else if (setup(&r, err, n) < 0) {
		rc = 2;
	}
	for (unsigned i = 0; i < r.nt; i++)
		r.t[i].last_key = -1;
	r.last_stats = ppv_now_ms();
	for (int i = 0; i < nq; i++) {
		if (!rc && (k = write_packet(&r, q[i], err, n)) != 0)
			rc = k < 0 ? 2 : -1;
		av->av_packet_free(&q[i]);
	}
	while (!rc && !(cfg->stop && *cfg->stop)) {
		if ((k = av->av_read_frame(in, p)) < 0) {
			if (k == AVERROR(EIO) && cfg->hangup_is_end) {
				ppv_warn("input: the sender closed the connection");
				break;
			}
			if (k != AVERROR_EOF && k != AVERROR_EXIT && !(cfg->stop && *cfg->stop)) {
				snprintf(err, n, "input: %s", av_err2str(k));
				rc = 2;
			}
			break;
		}
		if ((unsigned)p->stream_index >= r.nt) {
			/* FLV adds streams as they show up; the output's are fixed by now */
			if (!r.late++)
				ppv_warn("input: a stream appeared after the start; it is dropped");
			av->av_packet_unref(p);
			continue;
		}
		if ((k = write_packet(&r, p, err, n)) != 0)
			rc = k < 0 ? 2 : -1;
		av->av_packet_unref(p);
		if (cfg->max_ms && r.vlast >= cfg->max_ms * (TB / 1000) + PPV_TIMELINE_START)
			break;
	}
	av->av_packet_free(&p);
	if (rc == 0) {
		k = ppv_tsout_finish(out);
		if (k < 0) {
			snprintf(err, n, "cannot finish the MPEG-TS output");
			rc = 2;
		}
	}
	if (r.dropped > 1)
		ppv_warn("%s: %llu packets dropped in all: malformed, or waiting for a keyframe after one", name_of(&r),
		         (unsigned long long)r.dropped);
	if (r.t)
		stats(&r, 1);
	free(r.t);
	return rc < 0 ? 0 : rc;  /* -1: the reader went away, which is no error */
}
