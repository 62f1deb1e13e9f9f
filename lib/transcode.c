/* transcode.c: ppv-transcode's ladder: one stream decoded once, scaled and encoded per rung, out as one MPEG-TS with a program per rung. */
#include "transcode.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libavutil/channel_layout.h>
#include <libavutil/frame.h>
#include <libavutil/opt.h>

#include "avload.h"
#include "cli.h"
#include "progress.h"
#include "scale.h"
#include "tsout.h"
#include "when.h"

struct enc {
	ppv_rung r;
	AVCodecContext *c;          /* NULL: the source, copied */
	ppv_scaler sws;             /* the picture, or its luma alone when luma >= 0 */
	ppv_scaler csws;            /* its chroma planes, when luma >= 0 */
	AVFrame *pic;               /* the scaled picture handed to the encoder */
	int from;                   /* the rung whose picture this one is scaled from; -1: the decoded one */
	int luma;                   /* the rung its luma comes from, when nearer than from's; -1: none */
	int out;                    /* its stream in the output */
};

/* Audio to encode: decoded, made planar float in frames of the encoder's
 * size by libavfilter, encoded to AAC once for every rung. */
struct aud {
	const ppv_avfilter *F;
	AVCodecContext *dec, *enc;
	AVFilterGraph *g;
	AVFilterContext *src, *sink;
	AVFrame *f;
};

struct tc {
	const ppv_av *av;
	const ppv_transcode_cfg *cfg;
	AVFormatContext *in;
	int vi, ai, aout;
	int cue_in[PPV_TSOUT_CUES], ncue; /* the input's SCTE-35 streams, carried as sections */
	struct aud a;               /* a.enc NULL: the audio is copied */
	AVCodecContext *dec;
	struct enc e[PPV_LADDER_MAX];
	size_t n;
	size_t order[PPV_LADDER_MAX]; /* the encoded rungs, largest first: the order they are scaled in */
	size_t nenc;
	int x264_threads, dec_threads; /* how the cores are shared out */
	bool by_source;             /* keyframes where the source has them */
	int64_t gop, next_key;      /* otherwise every gop, in the input's time base */
	ppv_tsout *out;
	AVPacket *pkt;
	AVFrame *frame;
	int gone;                   /* the reader downstream left */
	ppv_progress prog;
	uint64_t frames;
	int64_t pts0, wall0, warn_at; /* live: where real time was at the first picture */
	char *err;
	size_t cap;
};

static int
fail(struct tc *t, const char *what, int r)
{
	snprintf(t->err, t->cap, "%s: %s", what, av_err2str(r));
	return -1;
}

/* 0, 1 when the reader went away, -1 with the reason */
static int
put(struct tc *t, AVPacket *p, AVRational from, int idx)
{
	AVStream *st = ppv_tsout_ctx(t->out)->streams[idx];

	t->av->av_packet_rescale_ts(p, from, st->time_base);
	p->stream_index = idx;
	int r = ppv_tsout_write(t->out, p);
	t->av->av_packet_unref(p);
	if (r == 1)
		t->gone = 1;
	if (r < 0)
		snprintf(t->err, t->cap, r == -1 ? "cannot write the output" : "the muxer refused a packet");
	return r < 0 ? -1 : r;
}

/* What encoder c has ready, out to stream out */
static int
drain(struct tc *t, AVCodecContext *c, int out, const char *name)
{
	for (;;) {
		int r = t->av->avcodec_receive_packet(c, t->pkt);
		if (r == AVERROR(EAGAIN) || r == AVERROR_EOF)
			return 0;
		if (r < 0)
			return fail(t, name, r);
		if ((r = put(t, t->pkt, c->time_base, out)))
			return r;
	}
}

/* A live ladder that cannot keep up falls further behind with every
 * picture, until the pipe from the publisher fills and it stalls: said at
 * 3 s late, then at each 10 s more, so an operator sees it coming. */
static void
behind(struct tc *t, int64_t pts)
{
	int64_t now = ppv_now_ms();

	if (!t->wall0) {
		t->pts0 = pts;
		t->wall0 = now;
		t->warn_at = 3000;
		return;
	}
	int64_t media = av_rescale_q(pts - t->pts0, t->in->streams[t->vi]->time_base, (AVRational){ 1, 1000 });
	int64_t late = now - t->wall0 - media;
	if (late >= t->warn_at) {
		ppv_warn("%.1f s behind real time after %.1f s of media: a faster --preset or fewer rungs",
		         (double)late / 1000, (double)media / 1000);
		t->warn_at = late + 10000;
	}
}

/* A rung at most half as wide and high as one already scaled is scaled from
 * that one, the smallest such: a bicubic filter's cost follows the size of
 * what it reads, and 360p read from 720p costs a third of 360p read from
 * 1080p. Nearer than half, only the luma is: from the scaled picture a
 * rung drifts from the one scaled from the source, and that drift adds to
 * the encoder's own loss. Against the source scaled bicubic, 360p from
 * 720p is 60 dB off the direct one and lost 0.05 dB after x264 (20 s of
 * 1080p30); 480p from 720p is 56 dB off and lost 0.37 dB, all of it in the
 * chroma: 480p's luma from 720p's is 60 dB off, its chroma 51 dB. So a
 * rung up to 2/3 as wide and high as another (a little more: 854 is 480p's
 * 853.3 rounded up) takes its luma from that one and its chroma from the
 * source, which made 480p's scaling 1.65 -> 0.94 ms a picture here;
 * only from a rung scaled whole from the source, so that such drifts do
 * not add up down a long ladder.
 * The rest read the decoded picture; scaling goes largest first. */
static void
plan_scaling(struct tc *t)
{
	t->nenc = 0;
	for (size_t i = 0; i < t->n; i++)
		if (t->e[i].c)
			t->order[t->nenc++] = i;
	for (size_t k = 1; k < t->nenc; k++)
		for (size_t j = k; j > 0 && t->e[t->order[j - 1]].r.height < t->e[t->order[j]].r.height; j--) {
			size_t x = t->order[j];
			t->order[j] = t->order[j - 1];
			t->order[j - 1] = x;
		}
	for (size_t k = 0; k < t->nenc; k++) {
		struct enc *e = &t->e[t->order[k]];
		e->from = e->luma = -1;
		for (size_t j = 0; j < k; j++) {
			const struct enc *p = &t->e[t->order[j]];
			if (p->r.width >= 2 * e->r.width && p->r.height >= 2 * e->r.height)
				e->from = (int)t->order[j];
			else if (p->from < 0 && p->luma < 0 && 100L * p->r.width >= 149L * e->r.width &&
			         100L * p->r.height >= 149L * e->r.height)
				e->luma = (int)t->order[j];
		}
		if (e->from >= 0)
			e->luma = -1;
	}
}

/* Picture in into rung e: whole, or its luma from rung e->luma and its
 * chroma from in, when in is 4:2:0 as the rungs are (other formats are
 * converted whole). 0 or -1. */
static int
scale_rung(struct tc *t, struct enc *e, const AVFrame *in)
{
	AVFrame *o = e->pic;

	if (e->luma < 0 || in->format != AV_PIX_FMT_YUV420P)
		return ppv_scale(&e->sws, in, o);
	const AVFrame *l = t->e[e->luma].pic;
	if (ppv_scale_plane(&e->sws, l->data[0], l->linesize[0], l->width, l->height, o->data[0], o->linesize[0],
	                    o->width, o->height) < 0)
		return -1;
	for (int p = 1; p < 3; p++)
		if (ppv_scale_plane(&e->csws, in->data[p], in->linesize[p], (in->width + 1) / 2, (in->height + 1) / 2,
		                    o->data[p], o->linesize[p], (o->width + 1) / 2, (o->height + 1) / 2) < 0)
			return -1;
	return 0;
}

/* One decoded picture to every rung, a keyframe in all of them or in none. */
static int
encode(struct tc *t, AVFrame *f)
{
	int64_t pts = f->best_effort_timestamp;
	bool key;

	if (t->by_source) {
		key = f->key_frame;
	} else {
		key = pts != AV_NOPTS_VALUE && (t->next_key == AV_NOPTS_VALUE || pts >= t->next_key);
		if (key) {
			/* on the grid the first picture set: a late picture does not
			 * move every later keyframe */
			if (t->next_key == AV_NOPTS_VALUE)
				t->next_key = pts;
			while (t->next_key <= pts)
				t->next_key += t->gop;
		}
	}
	ppv_progress_tick(&t->prog, ++t->frames);
	if (t->cfg->live && pts != AV_NOPTS_VALUE)
		behind(t, pts);
	for (size_t k = 0; k < t->nenc; k++) {
		struct enc *e = &t->e[t->order[k]];
		const AVFrame *in = e->from < 0 ? f : t->e[e->from].pic;
		/* the encoder may still hold the last picture */
		int r = av_frame_make_writable(e->pic);
		if (r < 0)
			return fail(t, e->r.name, r);
		if (scale_rung(t, e, in) < 0) {
			snprintf(t->err, t->cap, "%s: cannot scale %dx%d pictures", e->r.name, in->width, in->height);
			return -1;
		}
	}
	for (size_t i = 0; i < t->n; i++) {
		struct enc *e = &t->e[i];
		if (!e->c)
			continue;
		e->pic->pts = pts;
		e->pic->pict_type = key ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
		int r = t->av->avcodec_send_frame(e->c, e->pic);
		if (r < 0)
			return fail(t, e->r.name, r);
		if ((r = drain(t, e->c, e->out, e->r.name)))
			return r;
	}
	return 0;
}

static int
decode(struct tc *t, AVPacket *p)
{
	int r = t->av->avcodec_send_packet(t->dec, p);

	/* a damaged packet: the decoder conceals it in the pictures after */
	if (r < 0 && r != AVERROR_INVALIDDATA && r != AVERROR_EOF)
		return fail(t, "decoding", r);
	for (;;) {
		r = t->av->avcodec_receive_frame(t->dec, t->frame);
		if (r == AVERROR(EAGAIN) || r == AVERROR_EOF)
			return 0;
		if (r == AVERROR_INVALIDDATA)
			continue;
		if (r < 0)
			return fail(t, "decoding", r);
		r = encode(t, t->frame);
		av_frame_unref(t->frame);
		if (r)
			return r;
	}
}

/* An output stream for what the opened encoder c makes: its index, or -1 */
static int
add_encoded(struct tc *t, AVCodecContext *c)
{
	AVCodecParameters *par = t->av->avcodec_parameters_alloc();
	int idx = -1;

	if (par && t->av->avcodec_parameters_from_context(par, c) >= 0)
		idx = ppv_tsout_add(t->out, par, c->time_base);
	t->av->avcodec_parameters_free(&par);
	if (idx < 0)
		snprintf(t->err, t->cap, "out of memory");
	return idx;
}

/* in through the filter to the AAC encoder; NULL: the end */
static int
audio_filter(struct tc *t, AVFrame *in)
{
	struct aud *a = &t->a;
	int r = a->F->av_buffersrc_add_frame(a->src, in);

	if (r < 0)
		return fail(t, "audio", r);
	for (;;) {
		r = a->F->av_buffersink_get_frame(a->sink, a->f);
		if (r == AVERROR(EAGAIN))
			return 0;
		if (r == AVERROR_EOF) {
			r = t->av->avcodec_send_frame(a->enc, NULL);
			return r < 0 ? fail(t, "audio", r) : drain(t, a->enc, t->aout, "audio");
		}
		if (r < 0)
			return fail(t, "audio", r);
		r = t->av->avcodec_send_frame(a->enc, a->f);
		av_frame_unref(a->f);
		if (r < 0)
			return fail(t, "audio", r);
		if ((r = drain(t, a->enc, t->aout, "audio")))
			return r;
	}
}

/* One audio packet decoded and encoded; NULL: the end */
static int
audio(struct tc *t, AVPacket *p)
{
	int r = t->av->avcodec_send_packet(t->a.dec, p);

	if (r < 0 && r != AVERROR_INVALIDDATA && r != AVERROR_EOF)
		return fail(t, "audio", r);
	for (;;) {
		r = t->av->avcodec_receive_frame(t->a.dec, t->frame);
		if (r == AVERROR(EAGAIN) || r == AVERROR_EOF)
			break;
		if (r == AVERROR_INVALIDDATA)
			continue;
		if (r < 0)
			return fail(t, "audio", r);
		t->frame->pts = t->frame->best_effort_timestamp;
		r = audio_filter(t, t->frame);
		av_frame_unref(t->frame);
		if (r)
			return r;
	}
	return p ? 0 : audio_filter(t, NULL);
}

static int
open_audio(struct tc *t)
{
	struct aud *a = &t->a;
	AVStream *st = t->in->streams[t->ai];
	const AVCodec *d = t->av->avcodec_find_decoder(st->codecpar->codec_id);
	const AVCodec *aac = t->av->avcodec_find_encoder(AV_CODEC_ID_AAC);
	AVFilterInOut *outs = NULL;
	char desc[512], layout[128];
	int r;

	if (!d || !aac) {
		snprintf(t->err, t->cap, !d ? "libavcodec cannot decode %s audio" : "this libavcodec has no AAC encoder",
		         t->av->avcodec_get_name(st->codecpar->codec_id));
		return -1;
	}
	if (!(a->F = ppv_avfilter_load(t->err, t->cap)))
		return -1;
	if (!(a->dec = t->av->avcodec_alloc_context3(d)) || !(a->enc = t->av->avcodec_alloc_context3(aac)) ||
	    !(a->f = av_frame_alloc()) || !(a->g = a->F->avfilter_graph_alloc())) {
		snprintf(t->err, t->cap, "out of memory");
		return -1;
	}
	if ((r = t->av->avcodec_parameters_to_context(a->dec, st->codecpar)) < 0)
		return fail(t, "audio", r);
	a->dec->pkt_timebase = st->time_base;
	if ((r = t->av->avcodec_open2(a->dec, d, NULL)) < 0)
		return fail(t, "audio", r);
	if (a->dec->sample_fmt == AV_SAMPLE_FMT_NONE || a->dec->sample_rate <= 0 || !a->dec->ch_layout.nb_channels) {
		snprintf(t->err, t->cap, "the %s audio has no sample format, rate or channels", d->name);
		return -1;
	}
	a->enc->sample_rate = a->dec->sample_rate;
	a->enc->sample_fmt = AV_SAMPLE_FMT_FLTP;
	if ((r = av_channel_layout_copy(&a->enc->ch_layout, &a->dec->ch_layout)) < 0)
		return fail(t, "audio", r);
	a->enc->bit_rate = (int64_t)t->cfg->audio_kbps * 1000;
	a->enc->time_base = st->time_base;
	a->enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
	if ((r = t->av->avcodec_open2(a->enc, aac, NULL)) < 0)
		return fail(t, "the AAC encoder", r);
	av_channel_layout_describe(&a->dec->ch_layout, layout, sizeof layout);
	snprintf(desc, sizeof desc, "abuffer=time_base=%d/%d:sample_rate=%d:sample_fmt=%s:channel_layout=%s,"
	         "aformat=sample_fmts=fltp", st->time_base.num, st->time_base.den, a->dec->sample_rate,
	         av_get_sample_fmt_name(a->dec->sample_fmt), layout);
	r = a->F->avfilter_graph_create_filter(&a->sink, a->F->avfilter_get_by_name("abuffersink"), "sink", NULL, NULL,
	                                       a->g);
	if (r >= 0)
		r = a->F->avfilter_graph_parse_ptr(a->g, desc, NULL, &outs, a->g);
	if (r >= 0 && outs)
		r = a->F->avfilter_link(outs->filter_ctx, (unsigned)outs->pad_idx, a->sink, 0);
	if (r >= 0)
		r = a->F->avfilter_graph_config(a->g, NULL);
	a->F->avfilter_inout_free(&outs);
	if (r < 0)
		return fail(t, "audio", r);
	for (unsigned i = 0; i < a->g->nb_filters; i++)
		if (!strcmp(a->g->filters[i]->filter->name, "abuffer"))
			a->src = a->g->filters[i];
	/* the encoder takes exactly frame_size samples a call */
	a->F->av_buffersink_set_frame_size(a->sink, (unsigned)a->enc->frame_size);
	if (!a->src) {
		snprintf(t->err, t->cap, "audio: the filter graph has no source");
		return -1;
	}
	return (t->aout = add_encoded(t, a->enc)) < 0 ? -1 : 0;
}

static int
open_encoder(struct tc *t, struct enc *e, AVRational fps)
{
	const AVCodec *x264 = t->av->avcodec_find_encoder_by_name("libx264");
	AVDictionary *o = NULL;
	char params[128];

	if (!x264) {
		snprintf(t->err, t->cap, "this libavcodec has no libx264 encoder");
		return -1;
	}
	AVCodecContext *c = e->c = t->av->avcodec_alloc_context3(x264);
	if (!c || !(e->pic = av_frame_alloc())) {
		snprintf(t->err, t->cap, "out of memory");
		return -1;
	}
	c->width = e->r.width;
	c->height = e->r.height;
	c->pix_fmt = AV_PIX_FMT_YUV420P;
	c->sample_aspect_ratio = (AVRational){ 1, 1 };
	c->time_base = t->in->streams[t->vi]->time_base;
	c->framerate = fps;
	c->bit_rate = e->r.kbps * 1000;
	c->rc_max_rate = e->r.maxrate * 1000;
	c->rc_buffer_size = (int)(e->r.bufsize * 1000);
	c->level = e->r.level;
	c->thread_count = t->x264_threads;
	/* a GOP never reaches back past its keyframe, so each segment starts
	 * one; keyframes come only where encode() asks for them */
	c->flags |= AV_CODEC_FLAG_CLOSED_GOP;
	snprintf(params, sizeof params, "keyint=infinite:scenecut=0");
	av_dict_set(&o, "preset", t->cfg->preset ? t->cfg->preset : "veryfast", 0);
	av_dict_set(&o, "profile", e->r.profile, 0);
	av_dict_set(&o, "forced-idr", "1", 0);
	av_dict_set(&o, "x264-params", params, 0);
	int r = t->av->avcodec_open2(c, x264, &o);
	av_dict_free(&o);
	if (r < 0)
		return fail(t, e->r.name, r);
	e->pic->format = c->pix_fmt;
	e->pic->width = c->width;
	e->pic->height = c->height;
	if ((r = av_frame_get_buffer(e->pic, 0)) < 0)
		return fail(t, e->r.name, r);
	return (e->out = add_encoded(t, c)) < 0 ? -1 : 0;
}

static int
stopped(void *stop)
{
	return stop && *(volatile sig_atomic_t *)stop;
}

static int
open_input(struct tc *t, const char *input)
{
	const char *name = input ? input : "stdin";

	if (!(t->in = t->av->avformat_alloc_context())) {
		snprintf(t->err, t->cap, "out of memory");
		return -1;
	}
	/* a signal ends a read that waits on a quiet live pipe */
	t->in->interrupt_callback = (AVIOInterruptCB){ stopped, (void *)t->cfg->stop };
	int r = t->av->avformat_open_input(&t->in, input ? input : "pipe:0", NULL, NULL);

	if (r < 0 || (r = t->av->avformat_find_stream_info(t->in, NULL)) < 0)
		return fail(t, name, r);
	if ((t->vi = t->av->av_find_best_stream(t->in, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0)) < 0) {
		snprintf(t->err, t->cap, "%s: no video stream", name);
		return -1;
	}
	t->ai = t->av->av_find_best_stream(t->in, AVMEDIA_TYPE_AUDIO, -1, t->vi, NULL, 0);
	AVCodecParameters *vp = t->in->streams[t->vi]->codecpar;
	const AVCodec *d = t->av->avcodec_find_decoder(vp->codec_id);
	if (!d) {
		snprintf(t->err, t->cap, "%s: libavcodec cannot decode %s video", name, t->av->avcodec_get_name(vp->codec_id));
		return -1;
	}
	if (!(t->dec = t->av->avcodec_alloc_context3(d)) ||
	    (r = t->av->avcodec_parameters_to_context(t->dec, vp)) < 0)
		return fail(t, name, t->dec ? r : AVERROR(ENOMEM));
	t->dec->pkt_timebase = t->in->streams[t->vi]->time_base;
	t->dec->thread_count = t->dec_threads;
	if ((r = t->av->avcodec_open2(t->dec, d, NULL)) < 0)
		return fail(t, name, r);
	return 0;
}

/* x264's own choice, 1.5 frame threads a core, is made by each encoder as
 * if it had the machine alone: three rungs on two cores ran nine threads
 * and a frame-threaded decoder under them, and the switching cost 5% of
 * the CPU (12.7 s against 12.0 for 20 s of 1080p30 to 720p, 480p, 360p).
 * Each encoder gets its share of the 1.5 a core, two at least so that its
 * work overlaps the decoding and scaling of the next picture; the decoder
 * takes a thread of its own only where the encoders leave cores idle. */
static void
share_cores(struct tc *t, const ppv_ladder *l)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int enc = 0;

	for (size_t i = 0; i < l->n; i++)
		enc += !l->r[i].source;
	if (cores < 1)
		cores = 1;
	if (enc == 0)
		return;
	int share = (int)((cores * 3 / 2 + enc - 1) / enc);
	t->x264_threads = share < 2 ? 2 : share;
	t->dec_threads = cores <= 2L * enc ? 1 : 0;
}

static int
setup(struct tc *t, const char *input)
{
	ppv_ladder l;
	char note[256];
	int r;

	if (ppv_ladder_parse(t->cfg->ladder ? t->cfg->ladder : PPV_LADDER_DEFAULT, &l, note, sizeof note) < 0) {
		snprintf(t->err, t->cap, "--ladder: %s", note);
		return -1;
	}
	share_cores(t, &l);
	if (open_input(t, input) < 0)
		return -1;
	AVStream *vs = t->in->streams[t->vi];
	AVRational fps = t->av->av_guess_frame_rate(t->in, vs, NULL);
	AVRational sar = vs->codecpar->sample_aspect_ratio;
	char why[256];
	if (ppv_ladder_fit(&l, vs->codecpar->width, vs->codecpar->height, sar.num, sar.den, fps.num, fps.den, note,
	                   sizeof note, why, sizeof why) < 0) {
		/* what is wrong is the input's: named, as open_input's errors are */
		snprintf(t->err, t->cap, "%s: %s", input ? input : "stdin", why);
		return -1;
	}
	if (*note && !t->cfg->quiet)
		ppv_warn("--ladder: %s", note);
	if (!(t->out = ppv_tsout_new(t->cfg->out_fd, t->cfg->live, t->err, t->cap)))
		return -1;
	t->n = l.n;
	for (size_t i = 0; i < l.n; i++) {
		struct enc *e = &t->e[i];
		e->r = l.r[i];
		if (e->r.source) {
			t->by_source = true;
			if ((e->out = ppv_tsout_add(t->out, vs->codecpar, vs->time_base)) < 0) {
				snprintf(t->err, t->cap, "out of memory");
				return -1;
			}
		} else if (open_encoder(t, e, fps) < 0) {
			return -1;
		}
	}
	if (t->ai >= 0) {
		AVStream *as = t->in->streams[t->ai];
		int aac = as->codecpar->codec_id == AV_CODEC_ID_AAC;
		if (t->cfg->audio == PPV_TC_AUDIO_AAC || (t->cfg->audio == PPV_TC_AUDIO_AUTO && !aac)) {
			if (open_audio(t) < 0) {
				size_t n = strlen(t->err);
				snprintf(t->err + n, t->cap - n, " (--audio copy carries it as it is)");
				return -1;
			}
		} else if ((t->aout = ppv_tsout_add(t->out, as->codecpar, as->time_base)) < 0) {
			snprintf(t->err, t->cap, "out of memory");
			return -1;
		}
	}
	AVFormatContext *oc = ppv_tsout_ctx(t->out);
	/* cues keep their PTS values (timestamps pass through): sections unchanged,
	 * on PIDs after the muxer's own */
	for (unsigned i = 0; i < t->in->nb_streams; i++) {
		if (t->in->streams[i]->codecpar->codec_id != AV_CODEC_ID_SCTE_35)
			continue;
		if (t->ncue == PPV_TSOUT_CUES || ppv_tsout_add_cues(t->out, 0x100 + (int)oc->nb_streams + t->ncue) < 0) {
			ppv_warn("%s: more than %d SCTE-35 streams: the others are left out", input ? input : "stdin",
				 PPV_TSOUT_CUES);
			break;
		}
		t->cue_in[t->ncue++] = (int)i;
	}
	for (size_t i = 0; i < t->n; i++) {
		AVProgram *p = t->av->av_new_program(oc, (int)i + 1);
		if (!p) {
			snprintf(t->err, t->cap, "out of memory");
			return -1;
		}
		av_dict_set(&p->metadata, "service_name", t->e[i].r.name, 0);
		av_dict_set(&p->metadata, "service_provider", "ppv", 0);
		t->av->av_program_add_stream_index(oc, (int)i + 1, (unsigned)t->e[i].out);
		if (t->ai >= 0)
			t->av->av_program_add_stream_index(oc, (int)i + 1, (unsigned)t->aout);
	}
	plan_scaling(t);
	t->gop = av_rescale_q(t->cfg->gop_ms, (AVRational){ 1, 1000 }, vs->time_base);
	t->next_key = AV_NOPTS_VALUE;
	ppv_tsout_interleave(t->out);
	if ((r = ppv_tsout_start(t->out, t->err, t->cap)) < 0)
		return -1;
	if (!(t->pkt = t->av->av_packet_alloc()) || !(t->frame = av_frame_alloc())) {
		snprintf(t->err, t->cap, "out of memory");
		return -1;
	}
	return 0;
}

/* 0, 1 when the reader went away, -1 with the reason */
static int
cue(struct tc *t, const AVPacket *p)
{
	for (int i = 0; i < t->ncue; i++) {
		if (t->cue_in[i] != p->stream_index)
			continue;
		int r = ppv_tsout_section(t->out, i, p->data, (size_t)p->size);
		if (r == 1)
			t->gone = 1;
		if (r == -1)
			snprintf(t->err, t->cap, "cannot write the output");
		if (r == -2)
			ppv_warn("an SCTE-35 section of %d bytes before the first tables, or too big: left out", p->size);
		return r == -1 ? -1 : 0;
	}
	return 0;
}

static int
run(struct tc *t)
{
	AVPacket *p = t->av->av_packet_alloc(), *copy = t->av->av_packet_alloc();
	int r = 0;

	if (!p || !copy) {
		snprintf(t->err, t->cap, "out of memory");
		r = -1;
	}
	while (!r && !t->gone && !(t->cfg->stop && *t->cfg->stop)) {
		int e = t->av->av_read_frame(t->in, p);
		if (e == AVERROR_EOF || e == AVERROR_EXIT)
			break;
		if (e < 0) {
			r = fail(t, "reading", e);
			break;
		}
		AVRational tb = t->in->streams[p->stream_index]->time_base;
		if (p->stream_index == t->vi) {
			for (size_t i = 0; i < t->n && !r; i++) {
				if (t->e[i].c)
					continue;
				if ((e = av_packet_ref(copy, p)) < 0)
					r = fail(t, "copying", e);
				else
					r = put(t, copy, tb, t->e[i].out);
			}
			if (!r)
				r = decode(t, p);
		} else if (p->stream_index == t->ai) {
			r = t->a.enc ? audio(t, p) : put(t, p, tb, t->aout);
		} else {
			r = cue(t, p);
		}
		t->av->av_packet_unref(p);
	}
	/* what the decoders and the encoders hold, out */
	if (!r && !t->gone)
		r = decode(t, NULL);
	if (!r && !t->gone && t->a.enc)
		r = audio(t, NULL);
	for (size_t i = 0; i < t->n && !r && !t->gone; i++) {
		if (!t->e[i].c)
			continue;
		int e = t->av->avcodec_send_frame(t->e[i].c, NULL);
		r = e < 0 ? fail(t, t->e[i].r.name, e) : drain(t, t->e[i].c, t->e[i].out, t->e[i].r.name);
	}
	t->av->av_packet_free(&p);
	t->av->av_packet_free(&copy);
	return r < 0 ? -1 : 0;
}

int
ppv_transcode(const ppv_transcode_cfg *cfg, const char *input, char *err, size_t cap)
{
	struct tc t = { .cfg = cfg, .err = err, .cap = cap, .vi = -1, .ai = -1, .aout = -1 };
	int rc = PPV_ERR;

	if (!(t.av = ppv_av_load(err, cap)))
		return PPV_ERR;
	/* a picture takes milliseconds: the clock is cheap next to it */
	ppv_progress_start(&t.prog, "pictures");
	t.prog.every = 1;
	if (setup(&t, input) == 0 && run(&t) == 0) {
		ppv_progress_end(&t.prog, t.frames);
		int f = ppv_tsout_finish(t.out);
		if (f < 0)
			snprintf(err, cap, "cannot write the output");
		rc = f < 0 ? PPV_ERR : PPV_OK;
	}
	for (size_t i = 0; i < t.n; i++) {
		t.av->avcodec_free_context(&t.e[i].c);
		ppv_scaler_free(&t.e[i].sws);
		ppv_scaler_free(&t.e[i].csws);
		av_frame_free(&t.e[i].pic);
	}
	ppv_tsout_free(t.out);
	t.av->avcodec_free_context(&t.dec);
	t.av->avcodec_free_context(&t.a.dec);
	t.av->avcodec_free_context(&t.a.enc);
	if (t.a.g)
		t.a.F->avfilter_graph_free(&t.a.g);
	av_frame_free(&t.a.f);
	if (t.in)
		t.av->avformat_close_input(&t.in);
	t.av->av_packet_free(&t.pkt);
	av_frame_free(&t.frame);
	return rc;
}
