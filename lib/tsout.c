/* tsout.c: clean MPEG-TS out of libavformat's muxer, through our own write callback so a
 * closed pipe ends the program quietly and a full disk is an error, not a silent loss. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "avload.h"
#include "tsout.h"

enum { BUF = 1 << 15 };

static const ppv_av *av;      /* libavformat, opened by the first output */

struct ppv_tsout {
	AVFormatContext *ctx;
	int fd, live, gone, err;
	int interleave;               /* streams whose packets come at different delays */
	int restarted;                /* the muxer was set up again: mark the discontinuity */
	uint64_t bytes;
};

static int
write_cb(void *opaque, PPV_AVIO_WBUF *buf, int n)
{
	ppv_tsout *t = opaque;
	int left = n;

	while (left > 0) {
		ssize_t w = write(t->fd, buf, (size_t)left);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE)
				t->gone = 1;
			else
				t->err = errno;
			return AVERROR(errno);
		}
		buf += w;
		left -= (int)w;
	}
	t->bytes += (uint64_t)n;
	return n;
}

ppv_tsout *
ppv_tsout_new(int fd, int live, char *err, size_t n)
{
	ppv_tsout *t;
	uint8_t *buf;

	if (!av && !(av = ppv_av_load(err, n)))
		return NULL;
	if (!(t = calloc(1, sizeof *t)) || av->avformat_alloc_output_context2(&t->ctx, NULL, "mpegts", NULL) < 0) {
		free(t);
		snprintf(err, n, "out of memory");
		return NULL;
	}
	t->fd = fd;
	t->live = live;
	if (!(buf = av_malloc(BUF)) ||
	    !(t->ctx->pb = av->avio_alloc_context(buf, BUF, 1, t, NULL, write_cb, NULL))) {
		av_free(buf);
		ppv_tsout_free(t);
		snprintf(err, n, "out of memory");
		return NULL;
	}
	t->ctx->flags |= AVFMT_FLAG_CUSTOM_IO;
	return t;
}

AVFormatContext *
ppv_tsout_ctx(ppv_tsout *t)
{
	return t->ctx;
}

int
ppv_tsout_add(ppv_tsout *t, const AVCodecParameters *par, AVRational tb)
{
	AVStream *st = av->avformat_new_stream(t->ctx, NULL);

	if (!st || av->avcodec_parameters_copy(st->codecpar, par) < 0)
		return -1;
	st->codecpar->codec_tag = 0;
	st->time_base = tb;
	return st->index;
}

int
ppv_tsout_start(ppv_tsout *t, char *err, size_t n)
{
	AVDictionary *o = NULL;
	int r;

	if (t->live)
		av_dict_set(&o, "flush_packets", "1", 0);
	/* discontinuity_indicator on each PID's first packet: what a TS reader
	 * (ppv-segment, a player) takes as "decoder parameters changed here" */
	if (t->restarted)
		av_dict_set(&o, "mpegts_flags", "+initial_discontinuity", 0);
	r = av->avformat_write_header(t->ctx, &o);
	av_dict_free(&o);
	if (r < 0) {
		snprintf(err, n, "cannot start the MPEG-TS output: %s", av_err2str(r));
		return -1;
	}
	return 0;
}

int
ppv_tsout_write(ppv_tsout *t, AVPacket *pkt)
{
	int r = t->interleave ? av->av_interleaved_write_frame(t->ctx, pkt) : av->av_write_frame(t->ctx, pkt);

	if (t->gone)
		return 1;
	if (r < 0 && !t->err)
		return -2;  /* the packet, not the output: a bitstream filter refused it */
	return r < 0 ? -1 : 0;
}

void
ppv_tsout_interleave(ppv_tsout *t)
{
	t->interleave = 1;
}

int
ppv_tsout_reconfigure(ppv_tsout *t, int idx, const AVCodecParameters *par, char *err, size_t n)
{
	AVFormatContext *old = t->ctx, *c = NULL;
	int r;

	/* what the old muxer holds goes out first; the output itself stays */
	if ((r = av->av_write_trailer(old)) < 0 && t->err) {
		snprintf(err, n, "cannot write the MPEG-TS output: %s", av_err2str(r));
		return -1;
	}
	if (av->avformat_alloc_output_context2(&c, NULL, "mpegts", NULL) < 0) {
		snprintf(err, n, "out of memory");
		return -1;
	}
	for (unsigned i = 0; i < old->nb_streams; i++) {
		AVStream *st = av->avformat_new_stream(c, NULL);
		if (!st || av->avcodec_parameters_copy(st->codecpar, (int)i == idx ? par : old->streams[i]->codecpar) < 0) {
			av->avformat_free_context(c);
			snprintf(err, n, "out of memory");
			return -1;
		}
		st->codecpar->codec_tag = 0;
		st->time_base = old->streams[i]->time_base;
	}
	c->pb = old->pb;
	c->flags |= AVFMT_FLAG_CUSTOM_IO;
	old->pb = NULL;
	av->avformat_free_context(old);
	t->ctx = c;
	t->restarted = 1;
	return ppv_tsout_start(t, err, n);
}

int
ppv_tsout_finish(ppv_tsout *t)
{
	if (t->gone)
		return 1;
	int r = av->av_write_trailer(t->ctx);
	av->avio_flush(t->ctx->pb);
	if (t->gone)
		return 1;
	return r < 0 || t->err ? -1 : 0;
}

uint64_t
ppv_tsout_bytes(const ppv_tsout *t)
{
	return t->bytes;
}

void
ppv_tsout_free(ppv_tsout *t)
{
	if (!t)
		return;
	if (t->ctx) {
		if (t->ctx->pb)
			av_freep(&t->ctx->pb->buffer);
		av->avio_context_free(&t->ctx->pb);
		av->avformat_free_context(t->ctx);
	}
	free(t);
}
