/* segav.c: ppv-segment through libavformat (loaded at run time): CMAF fragments out of any container, TS out of one that is not TS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/log.h>
#include <libavutil/mem.h>

#include "atomic.h"
#include "avload.h"
#include "bytes.h"
#include "cli.h"
#include "segint.h"
#include "when.h"

/* fMP4: libavformat demuxes and writes CMAF fragments, one per segment ---- */

struct membuf {
	uint8_t *p;
	size_t n, cap;
};

static int
mem_write(void *opaque, PPV_AVIO_WBUF *buf, int n)
{
	struct membuf *m = opaque;

	if (m->n + (size_t)n > m->cap) {
		m->cap = (m->n + (size_t)n) * 2;
		m->p = ppv_xrealloc(m->p, m->cap);
	}
	memcpy(m->p + m->n, buf, (size_t)n);
	m->n += (size_t)n;
	return n;
}

static void
av_check(int ret, const char *what)
{
	char msg[128];

	if (ret < 0) {
		av_strerror(ret, msg, sizeof msg);
		ppv_die(PPV_ERR, "%s: %s", what, msg);
	}
}

/* ADTS AAC from a TS has no AudioSpecificConfig, which an MP4 needs in its
 * moov before the first packet: made from what the demuxer found. */
static void
aac_config(AVCodecParameters *par)
{
	static const int rates[] = { 96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050,
				     16000, 12000, 11025, 8000, 7350 };
	int fi = 15, aot = par->profile >= 0 ? par->profile + 1 : 2;

	for (int i = 0; i < 13; i++)
		if (rates[i] == par->sample_rate)
			fi = i;
	if (fi == 15 || !(par->extradata = av_mallocz(2 + AV_INPUT_BUFFER_PADDING_SIZE)))
		return;
	int ch = par->ch_layout.nb_channels;
	par->extradata[0] = (uint8_t)(aot << 3 | fi >> 1);
	par->extradata[1] = (uint8_t)((fi & 1) << 7 | (ch & 0xf) << 3);
	par->extradata_size = 2;
}

/* libavformat reading stdin through ppv_input, the bytes already looked at first. */
static int
src_read(void *opaque, uint8_t *buf, int n)
{
	struct segmenter *s = opaque;
	size_t got;

	if (s->peekpos < s->peeked) {
		got = s->peeked - s->peekpos < (size_t)n ? s->peeked - s->peekpos : (size_t)n;
		memcpy(buf, s->peek + s->peekpos, got);
		s->peekpos += got;
		return (int)got;
	}
	got = ppv_input_read(s->src, buf, (size_t)n);
	return got ? (int)got : AVERROR_EOF;
}

/* Input through libavformat (url, or stdin when NULL), and an output muxer with its video and audio
 * streams (the first of each when first_only). map[] takes an input stream
 * to its output one: -1 dropped, -2 SCTE-35 cues. */
static const ppv_av *
av_open(struct segmenter *s, const char *url, const char *fmt, bool first_only, AVFormatContext **ic,
	AVFormatContext **oc, int *map, int *vi, int *ai)
{
	char err[256];
	const ppv_av *av = ppv_av_load(err, sizeof err);

	if (!av)
		ppv_die(PPV_ERR, "%s: %s", s->inname, err);
	/* our own `ppv-segment: where: what` says what failed; FFmpeg's lines
	 * in their own format stay out of stderr */
	av_log_set_level(AV_LOG_FATAL);
	AVIOContext *pb = NULL;
	*ic = *oc = NULL;
	if (!url) {
		/* not seekable: MP4 with its index at the end needs a file name */
		if (!(*ic = av->avformat_alloc_context()) ||
		    !(pb = av->avio_alloc_context(av_malloc(1 << 16), 1 << 16, 0, s, src_read, NULL, NULL)))
			ppv_die(PPV_ERR, "out of memory");
		(*ic)->pb = pb;
		(*ic)->flags |= AVFMT_FLAG_CUSTOM_IO;
	}
	int ret = av->avformat_open_input(ic, url, NULL, NULL);
	if (ret < 0 && pb) {
		/* a failed open frees the context, not the I/O we gave it */
		av_freep(&pb->buffer);
		av->avio_context_free(&pb);
	}
	av_check(ret, s->inname);
	av_check(av->avformat_find_stream_info(*ic, NULL), s->inname);
	av_check(av->avformat_alloc_output_context2(oc, NULL, fmt, NULL), fmt);
	*vi = *ai = -1;
	for (unsigned i = 0; i < (*ic)->nb_streams && i < 64; i++) {
		AVCodecParameters *par = (*ic)->streams[i]->codecpar;
		bool video = par->codec_type == AVMEDIA_TYPE_VIDEO, audio = par->codec_type == AVMEDIA_TYPE_AUDIO;
		map[i] = par->codec_id == AV_CODEC_ID_SCTE_35 ? -2 : -1;
		if (!(video && (*vi < 0 || !first_only)) && !(audio && (*ai < 0 || !first_only)))
			continue;
		AVStream *st = av->avformat_new_stream(*oc, NULL);
		av_check(st ? av->avcodec_parameters_copy(st->codecpar, par) : AVERROR(ENOMEM), fmt);
		st->codecpar->codec_tag = 0;
		st->time_base = (*ic)->streams[i]->time_base;
		if (!strcmp(fmt, "mp4") && par->codec_id == AV_CODEC_ID_AAC && !par->extradata_size)
			aac_config(st->codecpar);
		/* the sample entry the master's CODECS names, and the one Apple's
		 * players take (libavformat's default is hev1) */
		if (!strcmp(fmt, "mp4") && par->codec_id == AV_CODEC_ID_HEVC)
			st->codecpar->codec_tag = MKTAG('h', 'v', 'c', '1');
		map[i] = st->index;
		if (video && *vi < 0)
			*vi = (int)i;
		if (audio && *ai < 0)
			*ai = (int)i;
	}
	return av;
}

static void
av_close_input(const ppv_av *av, AVFormatContext **ic)
{
	AVIOContext *pb = (*ic)->flags & AVFMT_FLAG_CUSTOM_IO ? (*ic)->pb : NULL;

	av->avformat_close_input(ic);
	if (pb) {
		av_freep(&pb->buffer);
		av->avio_context_free(&pb);
	}
}

/* A segment ends and starts its audio where its video does, or players
 * meet gaps at every ad's discontinuity: the demuxer hands out audio ahead of
 * the keyframe that cuts (early) and after it (late). So audio waits until
 * the video passes its time, and a cut waits, the video after it held, until
 * the audio reaches the cut or a second of video has gone by. */
enum { HOLD = 512 };
struct hold {
	const ppv_av *av;
	AVFormatContext *oc, *ic;
	const int *map;
	struct segmenter *s;
	struct membuf *m;
	AVPacket *a[HOLD], *v[HOLD];
	int64_t at[HOLD], vdts[HOLD];       /* 90 kHz */
	size_t na, nv;
	bool audio;                 /* there is audio to wait for */
	bool cut;                   /* a cut waits: at cut_pts, the clock cut_now */
	int64_t cut_pts, cut_now, audio_max;
};

static void
put_packet(struct hold *h, AVPacket *pkt)
{
	int si = pkt->stream_index, oi = h->map[si];

	/* ADTS framing off: the moov carries the configuration (aac_adtstoasc's job) */
	if (h->ic->streams[si]->codecpar->codec_id == AV_CODEC_ID_AAC && pkt->size > 9 &&
	    pkt->data[0] == 0xff && (pkt->data[1] & 0xf6) == 0xf0) {
		int hl = pkt->data[1] & 1 ? 7 : 9;
		pkt->data += hl;
		pkt->size -= hl;
	}
	h->av->av_packet_rescale_ts(pkt, h->ic->streams[si]->time_base, h->oc->streams[oi]->time_base);
	pkt->stream_index = oi;
	av_check(h->av->av_interleaved_write_frame(h->oc, pkt), "mp4 write");
}

/* Writes (or, before the first segment, drops) the held audio before t. */
static void
audio_release(struct hold *h, int64_t t)
{
	size_t k = 0;

	while (k < h->na && h->at[k] < t) {
		if (h->s->open)
			put_packet(h, h->a[k]);
		h->av->av_packet_free(&h->a[k]);
		k++;
	}
	memmove(h->a, h->a + k, (h->na - k) * sizeof *h->a);
	memmove(h->at, h->at + k, (h->na - k) * sizeof *h->at);
	h->na -= k;
}

static AVPacket *
take(struct hold *h, AVPacket *pkt)
{
	AVPacket *p = h->av->av_packet_alloc();

	if (!p)
		ppv_die(PPV_ERR, "out of memory");
	h->av->av_packet_move_ref(p, pkt);
	return p;
}

static void
video_put(struct hold *h, AVPacket *p, int64_t dts)
{
	/* no later cut can come before this frame's decoding time */
	audio_release(h, dts);
	if (h->s->open)
		put_packet(h, p);
	h->av->av_packet_free(&p);
}

/* The waiting cut: the audio before it into the segment it ends, then the
 * held video into the next. */
static void
cut_now(struct hold *h)
{
	struct segmenter *s = h->s;

	audio_release(h, h->cut_pts);
	if (s->open) {
		h->av->av_interleaved_write_frame(h->oc, NULL);
		h->av->av_write_frame(h->oc, NULL);
		h->av->avio_flush(h->oc->pb);
		ppv_seg_write(s, h->m->p, h->m->n);
		h->m->n = 0;
	}
	ppv_seg_close(s, h->cut_now);
	ppv_seg_open(s, h->cut_now);
	h->cut = false;
	for (size_t k = 0; k < h->nv; k++)
		video_put(h, h->v[k], h->vdts[k]);
	h->nv = 0;
}

static void
on_video(struct hold *h, AVPacket *pkt, int64_t pts, int64_t dts)
{
	struct segmenter *s = h->s;
	bool key = pkt->flags & AV_PKT_FLAG_KEY;

	if (h->cut && (key || h->nv == HOLD || dts >= h->cut_pts + TICK))
		cut_now(h);
	ppv_seg_tick(s, (uint64_t)pts & (uint64_t)(WRAP - 1), (uint64_t)dts & (uint64_t)(WRAP - 1));
	if (s->jumped) {
		/* the held audio's times and the video's no longer compare */
		if (h->cut)
			cut_now(h);
		audio_release(h, INT64_MAX);
		h->audio_max = INT64_MIN;
	}
	if (!h->cut && key && ppv_seg_cut_at_key(s)) {
		h->cut = true;
		h->cut_pts = pts;
		h->cut_now = s->now;
	}
	if (!h->cut) {
		video_put(h, take(h, pkt), dts);
		return;
	}
	h->v[h->nv] = take(h, pkt);
	h->vdts[h->nv++] = dts;
	if (!h->audio || h->audio_max >= h->cut_pts)
		cut_now(h);
}

static void
on_audio(struct hold *h, AVPacket *pkt)
{
	const AVRational k90 = { 1, TICK };
	int64_t ts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;

	if (h->na == HOLD) {        /* audio far ahead of the video: let the oldest go */
		if (h->s->open)
			put_packet(h, h->a[0]);
		h->av->av_packet_free(&h->a[0]);
		memmove(h->a, h->a + 1, (HOLD - 1) * sizeof *h->a);
		memmove(h->at, h->at + 1, (HOLD - 1) * sizeof *h->at);
		h->na--;
	}
	h->at[h->na] = ts == AV_NOPTS_VALUE ? (h->na ? h->at[h->na - 1] : INT64_MIN) :
		       av_rescale_q(ts, h->ic->streams[pkt->stream_index]->time_base, k90);
	if (h->at[h->na] > h->audio_max)
		h->audio_max = h->at[h->na];
	h->a[h->na++] = take(h, pkt);
	if (h->cut && h->audio_max >= h->cut_pts)
		cut_now(h);
}

void
ppv_seg_run_fmp4(struct segmenter *s, const char *input)
{
	const ppv_segment_cfg *cfg = s->cfg;
	AVFormatContext *ic, *oc;
	AVDictionary *opts = NULL;
	struct membuf m = { 0 };
	int map[64], vi, ai;
	const ppv_av *av = av_open(s, input, "mp4", true, &ic, &oc, map, &vi, &ai);

	if (vi < 0)
		ppv_die(PPV_ERR, "%s: no video stream: nothing to cut at", s->inname);
	/* what --master says, from the demuxer's view of the streams */
	AVCodecParameters *vp = ic->streams[vi]->codecpar;
	s->es.width = vp->width;
	s->es.height = vp->height;
	if (vp->extradata_size > 4)
		ppv_esinfo_video(&s->es, vp->codec_id == AV_CODEC_ID_HEVC ? PPV_ST_HEVC : PPV_ST_H264, vp->extradata,
				 (size_t)vp->extradata_size);
	if (ai >= 0 && ic->streams[ai]->codecpar->codec_id == AV_CODEC_ID_AAC)
		snprintf(s->es.audio, sizeof s->es.audio, "mp4a.40.%d", ic->streams[ai]->codecpar->profile + 1);
	uint8_t *iobuf = av_malloc(1 << 16);
	oc->pb = av->avio_alloc_context(iobuf, 1 << 16, 1, &m, NULL, mem_write, NULL);
	oc->flags |= AVFMT_FLAG_CUSTOM_IO;
	/* fragments only when told: one per segment, each a moof and an mdat */
	av_dict_set(&opts, "movflags", "+frag_custom+empty_moov+default_base_moof+cmaf", 0);
	av_check(av->avformat_write_header(oc, &opts), "mp4 header");
	av_dict_free(&opts);
	av->avio_flush(oc->pb);
	s->init = ppv_xasprintf("%s-init.mp4", cfg->name);
	char *ipath = ppv_seg_path(s, s->init);
	if (ppv_atomic_write(ipath, m.p, m.n, 0644) < 0)
		ppv_die(PPV_ERR, "%s:", ipath);
	free(ipath);
	m.n = 0;

	AVPacket *pkt = av->av_packet_alloc();
	const AVRational k90 = { 1, TICK };
	struct hold h = { .av = av, .oc = oc, .ic = ic, .map = map, .s = s, .m = &m,
			  .audio = ai >= 0, .audio_max = INT64_MIN };
	while (!ppv_seg_stopping && av->av_read_frame(ic, pkt) >= 0) {
		int si = pkt->stream_index, oi = si < 64 ? map[si] : -1;
		if (oi == -2) {
			ppv_seg_on_cue(s, pkt->data, (size_t)pkt->size);
		} else if (si == vi && pkt->pts != AV_NOPTS_VALUE) {
			int64_t dts = pkt->dts != AV_NOPTS_VALUE ? pkt->dts : pkt->pts;
			on_video(&h, pkt, av_rescale_q(pkt->pts, ic->streams[si]->time_base, k90),
				 av_rescale_q(dts, ic->streams[si]->time_base, k90));
		} else if (oi >= 0 && si != vi) {
			on_audio(&h, pkt);
		} else if (oi >= 0 && s->open) {
			put_packet(&h, pkt);
		}
		av->av_packet_unref(pkt);
	}
	if (h.cut)
		cut_now(&h);
	if (!s->open)
		ppv_die(PPV_ERR, "%s: no keyframe found: nothing decodable to segment", s->inname);
	audio_release(&h, INT64_MAX);
	av->av_interleaved_write_frame(oc, NULL);
	av->av_write_frame(oc, NULL);
	av->avio_flush(oc->pb);
	ppv_seg_write(s, m.p, m.n);
	av->av_packet_free(&pkt);
	av_freep(&oc->pb->buffer);   /* avio may have replaced it: not ours to keep, not its to free */
	av->avio_context_free(&oc->pb);
	av->avformat_free_context(oc);
	av_close_input(av, &ic);
	free(m.p);
}

bool
ppv_seg_is_ts(const char *path)
{
	uint8_t b[PPV_TS_PACKET + 1];
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(b, 1, sizeof b, f) : 0;

	if (f)
		fclose(f);
	return !f || n < sizeof b || (b[0] == 0x47 && b[PPV_TS_PACKET] == 0x47);
}

static int
ts_sink(void *opaque, PPV_AVIO_WBUF *buf, int n)
{
	struct segmenter *s = opaque;
	int all = n;

	while (n > 0) {
		size_t take = sizeof s->tsbuf - s->have;
		if (take > (size_t)n)
			take = (size_t)n;
		memcpy(s->tsbuf + s->have, buf, take);
		s->have += take;
		buf += take;
		n -= (int)take;
		if (s->have == sizeof s->tsbuf)
			ppv_seg_ts_feed(s);
	}
	return all;
}

/* Other containers: demuxed and muxed to TS by libavformat, then cut here
 * like any transport stream. */
void
ppv_seg_run_remux(struct segmenter *s, const char *path)
{
	AVFormatContext *ic, *oc;
	int map[64], vi, ai;
	const ppv_av *av = av_open(s, path, "mpegts", false, &ic, &oc, map, &vi, &ai);

	if (vi < 0)
		ppv_die(PPV_ERR, "%s: no video stream: nothing to cut at", s->inname);
	oc->pb = av->avio_alloc_context(av_malloc(PPV_TS_PACKET * 64), PPV_TS_PACKET * 64, 1, s, NULL, ts_sink, NULL);
	oc->flags |= AVFMT_FLAG_CUSTOM_IO;
	av_check(av->avformat_write_header(oc, NULL), "mpegts header");
	AVPacket *pkt = av->av_packet_alloc();
	while (!ppv_seg_stopping && av->av_read_frame(ic, pkt) >= 0) {
		int si = pkt->stream_index, oi = si < 64 ? map[si] : -1;
		if (oi >= 0) {
			av->av_packet_rescale_ts(pkt, ic->streams[si]->time_base, oc->streams[oi]->time_base);
			pkt->stream_index = oi;
			av_check(av->av_interleaved_write_frame(oc, pkt), "mpegts write");
		}
		av->av_packet_unref(pkt);
	}
	av->av_write_trailer(oc);
	av->avio_flush(oc->pb);
	ppv_seg_ts_feed(s);
	av->av_packet_free(&pkt);
	av_freep(&oc->pb->buffer);
	av->avio_context_free(&oc->pb);
	av->avformat_free_context(oc);
	av_close_input(av, &ic);
}
