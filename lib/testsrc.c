/* testsrc.c: demo and test material without a camera or an encoder: libavfilter's testsrc
 * (colour bars and a running seconds counter) and a beeping sine, encoded with libavcodec. */
#include <stdio.h>
#include <string.h>
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>

#include "avload.h"
#include "testsrc.h"

static const ppv_avfilter *F;  /* loaded on first use */
static const ppv_av *av;

typedef struct {
	AVFilterGraph *graph;
	AVFilterContext *sink;
	AVCodecContext *enc;
	int out;                      /* output stream index */
	int64_t next_pts;             /* in the encoder's time base */
	int done;
} track;

static int
make_graph(track *t, const char *desc, int audio, char *err, size_t n)
{
	AVFilterInOut *outs = NULL;
	int r;

	t->graph = F->avfilter_graph_alloc();
	if (!t->graph)
		return -1;
	r = F->avfilter_graph_create_filter(&t->sink, F->avfilter_get_by_name(audio ? "abuffersink" : "buffersink"),
	                                 "sink", NULL, NULL, t->graph);
	if (r >= 0)
		r = F->avfilter_graph_parse_ptr(t->graph, desc, NULL, &outs, t->graph);
	if (r >= 0 && outs)
		r = F->avfilter_link(outs->filter_ctx, (unsigned)outs->pad_idx, t->sink, 0);
	if (r >= 0)
		r = F->avfilter_graph_config(t->graph, NULL);
	F->avfilter_inout_free(&outs);
	if (r < 0)
		snprintf(err, n, "test source filter '%s': %s", desc, av_err2str(r));
	return r < 0 ? -1 : 0;
}

static int
open_video(track *t, const ppv_testsrc_cfg *c, char *err, size_t n)
{
	const AVCodec *codec = av->avcodec_find_encoder_by_name("libx264");
	char desc[128];

	if (!codec)
		codec = av->avcodec_find_encoder(AV_CODEC_ID_H264);
	if (!codec) {
		snprintf(err, n, "no H.264 encoder in this libavcodec");
		return -1;
	}
	snprintf(desc, sizeof desc, "testsrc=size=%dx%d:rate=%d,format=yuv420p", c->width, c->height, c->fps);
	if (make_graph(t, desc, 0, err, n))
		return -1;
	t->enc = av->avcodec_alloc_context3(codec);
	t->enc->width = c->width;
	t->enc->height = c->height;
	t->enc->pix_fmt = AV_PIX_FMT_YUV420P;
	t->enc->time_base = (AVRational){ 1, c->fps };
	t->enc->framerate = (AVRational){ c->fps, 1 };
	t->enc->gop_size = 2 * c->fps;      /* a keyframe every 2 s, as a live encoder should */
	t->enc->max_b_frames = 0;
	t->enc->bit_rate = 2000000;
	t->enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
	av_opt_set(t->enc->priv_data, "preset", "veryfast", 0);
	av_opt_set(t->enc->priv_data, "tune", "zerolatency", 0);
	av_opt_set(t->enc->priv_data, "x264-params", "log=-1", 0);
	int r = av->avcodec_open2(t->enc, codec, NULL);
	if (r < 0) {
		snprintf(err, n, "cannot open the H.264 encoder: %s", av_err2str(r));
		return -1;
	}
	return 0;
}

static int
open_audio(track *t, char *err, size_t n)
{
	const AVCodec *codec = av->avcodec_find_encoder(AV_CODEC_ID_AAC);

	if (!codec) {
		snprintf(err, n, "no AAC encoder in this libavcodec");
		return -1;
	}
	if (make_graph(t, "sine=frequency=440:beep_factor=4:sample_rate=48000,"
	                  "aformat=sample_fmts=fltp:channel_layouts=stereo", 1, err, n))
		return -1;
	t->enc = av->avcodec_alloc_context3(codec);
	t->enc->sample_rate = 48000;
	t->enc->sample_fmt = AV_SAMPLE_FMT_FLTP;
	av_channel_layout_default(&t->enc->ch_layout, 2);
	t->enc->time_base = (AVRational){ 1, 48000 };
	t->enc->bit_rate = 128000;
	t->enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
	int r = av->avcodec_open2(t->enc, codec, NULL);
	if (r < 0) {
		snprintf(err, n, "cannot open the AAC encoder: %s", av_err2str(r));
		return -1;
	}
	/* the encoder takes exactly frame_size samples a call */
	F->av_buffersink_set_frame_size(t->sink, (unsigned)t->enc->frame_size);
	return 0;
}

/* Encodes one more frame of t (or flushes it at the end) and writes its packets. */
static int
step(track *t, ppv_tsout *out, AVFrame *f, AVPacket *p, int64_t end, char *err, size_t n)
{
	int r = 0;

	if (!t->done) {
		if ((r = F->av_buffersink_get_frame(t->sink, f)) < 0) {
			snprintf(err, n, "test source: %s", av_err2str(r));
			return -1;
		}
		f->pts = t->next_pts;
		t->next_pts += t->enc->codec_type == AVMEDIA_TYPE_AUDIO ? f->nb_samples : 1;
		f->pict_type = AV_PICTURE_TYPE_NONE;
		if (end && av_rescale_q(f->pts, t->enc->time_base, (AVRational){ 1, 1000 }) >= end)
			t->done = 1;
		r = av->avcodec_send_frame(t->enc, t->done ? NULL : f);
		av_frame_unref(f);
	}
	if (r < 0)
		return -1;
	AVStream *st = ppv_tsout_ctx(out)->streams[t->out];
	while ((r = av->avcodec_receive_packet(t->enc, p)) >= 0) {
		av->av_packet_rescale_ts(p, t->enc->time_base, st->time_base);
		/* a second of headroom: AAC priming starts before zero, which TS would wrap */
		p->pts += av_rescale_q(1, (AVRational){ 1, 1 }, st->time_base);
		p->dts += av_rescale_q(1, (AVRational){ 1, 1 }, st->time_base);
		p->stream_index = t->out;
		int k = ppv_tsout_write(out, p);
		av->av_packet_unref(p);
		if (k)
			return k < 0 ? -1 : 1;
	}
	return r == AVERROR(EAGAIN) || r == AVERROR_EOF ? 0 : -1;
}

int
ppv_testsrc(const ppv_testsrc_cfg *c, ppv_tsout *out, char *err, size_t n)
{
	track v = { 0 }, a = { 0 };
	AVFrame *f = av_frame_alloc();
	AVPacket *p = NULL;
	int rc = -1;

	if ((!av && !(av = ppv_av_load(err, n))) || (!F && !(F = ppv_avfilter_load(err, n))))
		goto done;
	p = av->av_packet_alloc();
	if (open_video(&v, c, err, n) || open_audio(&a, err, n))
		goto done;
	AVCodecParameters *par = av->avcodec_parameters_alloc();
	av->avcodec_parameters_from_context(par, v.enc);
	v.out = ppv_tsout_add(out, par, (AVRational){ 1, 90000 });
	av->avcodec_parameters_from_context(par, a.enc);
	a.out = ppv_tsout_add(out, par, (AVRational){ 1, 90000 });
	av->avcodec_parameters_free(&par);
	if (v.out < 0 || a.out < 0 || ppv_tsout_start(out, err, n))
		goto done;
	/* interleave by time: always advance the track that is behind */
	while (!(v.done && a.done) && !(c->stop && *c->stop)) {
		int64_t vt = av_rescale_q(v.next_pts, v.enc->time_base, (AVRational){ 1, 1000 });
		int64_t at = av_rescale_q(a.next_pts, a.enc->time_base, (AVRational){ 1, 1000 });
		track *t = v.done ? &a : a.done ? &v : vt <= at ? &v : &a;
		int k = step(t, out, f, p, c->duration_ms, err, n);
		if (k < 0) {
			if (!*err)
				snprintf(err, n, "test source: encoding failed");
			goto done;
		}
		if (k > 0) {
			rc = 0;   /* the reader went away */
			goto done;
		}
	}
	/* stopped by a signal: drain what the encoders hold */
	for (track *t = &v; t; t = t == &v ? &a : NULL)
		if (!t->done) {
			t->done = 1;
			av->avcodec_send_frame(t->enc, NULL);
			step(t, out, f, p, 0, err, n);
		}
	rc = ppv_tsout_finish(out) < 0 ? -1 : 0;
	if (rc < 0)
		snprintf(err, n, "cannot finish the MPEG-TS output");
done:
	av_frame_free(&f);
	if (av) {
		av->av_packet_free(&p);
		av->avcodec_free_context(&v.enc);
		av->avcodec_free_context(&a.enc);
	}
	if (F) {
		F->avfilter_graph_free(&v.graph);
		F->avfilter_graph_free(&a.graph);
	}
	return rc;
}
