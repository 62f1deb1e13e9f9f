/* tsout.c: clean MPEG-TS out of libavformat's muxer, through our own write callback so a
 * closed pipe ends the program quietly and a full disk is an error, not a silent loss;
 * SCTE-35 sections carried beside it, which the muxer of FFmpeg 5.1 cannot do. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "avload.h"
#include "ts.h"
#include "tsout.h"

/* a whole number of packets: the filter below mostly sees whole ones */
enum { BUF = 174 * PPV_TS_PACKET, MAXPMT = 16, HELD = 32 * PPV_TS_PACKET };

/* Cue PIDs: every PMT the muxer writes is replaced by one naming them, and
 * cues that come before the first tables wait for them. */
struct cues {
	int pid[PPV_TSOUT_CUES], n;
	uint8_t cc[PPV_TSOUT_CUES];
	ppv_secbuf pat;
	struct {
		int pid;
		bool cc_set;
		uint8_t cc;
		ppv_secbuf sb;
	} pmt[MAXPMT];
	int npmt, cur;              /* cur: the PMT being fed */
	bool tables;                /* every program's PMT has gone out once */
	uint8_t part[PPV_TS_PACKET];
	size_t npart;
	uint8_t held[HELD];
	size_t nheld;
	uint8_t pkt[24 * PPV_TS_PACKET];   /* a section of 4 KiB */
};

static const ppv_av *av;      /* libavformat, opened by the first output */

struct ppv_tsout {
	AVFormatContext *ctx;
	int fd, live, gone, err;
	int interleave;               /* streams whose packets come at different delays */
	int restarted;                /* the muxer was set up again: mark the discontinuity */
	uint64_t bytes;
	struct cues *cues;
};

static int
emit(ppv_tsout *t, const uint8_t *buf, size_t n)
{
	size_t left = n;

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
		left -= (size_t)w;
	}
	t->bytes += (uint64_t)n;
	return 0;
}

static void
on_pat(void *ctx, const uint8_t *s, size_t n)
{
	struct cues *c = ((ppv_tsout *)ctx)->cues;
	int pids[MAXPMT], np = ppv_pat_pmt_pids(s, n, pids, MAXPMT);

	for (int i = 0; i < np; i++)
		if (c->pmt[i].pid != pids[i])
			c->pmt[i].pid = pids[i], c->pmt[i].cc_set = false, c->pmt[i].sb.active = false;
	if (np >= 0)
		c->npmt = np;
}

static void
on_pmt(void *ctx, const uint8_t *s, size_t n)
{
	ppv_tsout *t = ctx;
	struct cues *c = t->cues;
	static ppv_pmt m;
	uint8_t sec[PPV_PMT_MAX];
	int i = c->cur;

	size_t w = ppv_pmt_parse(s, n, &m) == 0 ? ppv_pmt_add_cues(s, &m, c->pid, c->n, sec) : 0;
	size_t np = ppv_ts_packetize(w ? sec : s, w ? w : n, (uint16_t)c->pmt[i].pid, &c->pmt[i].cc, c->pkt,
				     sizeof c->pkt);
	if (emit(t, c->pkt, np * PPV_TS_PACKET) < 0)
		return;
	if (!c->tables && i == c->npmt - 1) {
		c->tables = true;
		emit(t, c->held, c->nheld);
		c->nheld = 0;
	}
}

/* The PMT index of packet p, or -1 for a packet passed on as it is */
static int
pmt_of(ppv_tsout *t, const uint8_t *p, ppv_tspkt *k)
{
	struct cues *c = t->cues;

	if (ppv_ts_parse(p, k) < 0)
		return -1;
	if (k->pid == 0)
		ppv_section_feed(&c->pat, k, on_pat, t);
	for (int i = 0; i < c->npmt; i++)
		if (c->pmt[i].pid == k->pid)
			return i;
	return -1;
}

/* The replacement goes out in the PMT's place, after what came before it */
static int
replace(ppv_tsout *t, int i, const ppv_tspkt *k)
{
	struct cues *c = t->cues;

	if (!c->pmt[i].cc_set)
		c->pmt[i].cc = k->cc, c->pmt[i].cc_set = true;
	c->cur = i;
	ppv_section_feed(&c->pmt[i].sb, k, on_pmt, t);
	return t->gone || t->err ? -1 : 0;
}

static int
write_cb(void *opaque, PPV_AVIO_WBUF *buf, int n)
{
	ppv_tsout *t = opaque;
	struct cues *c = t->cues;
	const uint8_t *b = buf, *run = b;
	size_t left = (size_t)n;
	ppv_tspkt k;

	if (!c)
		return emit(t, b, left) < 0 ? AVERROR(errno) : n;
	/* a packet split across two calls is put together first */
	if (c->npart) {
		size_t m = PPV_TS_PACKET - c->npart < left ? PPV_TS_PACKET - c->npart : left;
		memcpy(c->part + c->npart, b, m);
		c->npart += m, b += m, left -= m, run = b;
		if (c->npart == PPV_TS_PACKET) {
			c->npart = 0;
			int i = pmt_of(t, c->part, &k);
			if (i < 0 ? emit(t, c->part, PPV_TS_PACKET) : replace(t, i, &k))
				return AVERROR(t->err ? t->err : EPIPE);
		}
	}
	for (; left >= PPV_TS_PACKET; b += PPV_TS_PACKET, left -= PPV_TS_PACKET) {
		int i = pmt_of(t, b, &k);
		if (i < 0)
			continue;
		if (emit(t, run, (size_t)(b - run)) < 0 || replace(t, i, &k) < 0)
			return AVERROR(t->err ? t->err : EPIPE);
		run = b + PPV_TS_PACKET;
	}
	if (emit(t, run, (size_t)(b - run)) < 0 || t->gone || t->err)
		return AVERROR(t->err ? t->err : EPIPE);
	memcpy(c->part, b, left);
	c->npart = left;
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

int
ppv_tsout_add_cues(ppv_tsout *t, int pid)
{
	if (!t->cues && !(t->cues = calloc(1, sizeof *t->cues)))
		return -1;
	if (t->cues->n == PPV_TSOUT_CUES)
		return -1;
	t->cues->pid[t->cues->n] = pid;
	return t->cues->n++;
}

int
ppv_tsout_section(ppv_tsout *t, int cue, const uint8_t *sec, size_t n)
{
	struct cues *c = t->cues;

	if (!c || cue < 0 || cue >= c->n || n > PPV_PMT_MAX * 4)
		return -2;
	size_t np = ppv_ts_packetize(sec, n, (uint16_t)c->pid[cue], &c->cc[cue], c->pkt, sizeof c->pkt);
	size_t len = np * PPV_TS_PACKET;
	if (!np)
		return -2;
	if (!c->tables) {
		if (c->nheld + len > sizeof c->held)
			return -2;
		memcpy(c->held + c->nheld, c->pkt, len);
		c->nheld += len;
		return 0;
	}
	/* between two packets of the muxer: its buffer ends on a packet */
	av->avio_write(t->ctx->pb, c->pkt, (int)len);
	if (t->live)
		av->avio_flush(t->ctx->pb);
	return t->gone ? 1 : t->err ? -1 : 0;
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
	free(t->cues);
	free(t);
}
