/* test-scale.c: both of libswscale's x86 paths give the same bytes, so the one ppv_scale keeps never shows in its output; a plane scaled alone is the plane of a picture scaled whole. */
#include <string.h>

#include <libavutil/cpu.h>
#include <libavutil/log.h>
#include <libswscale/swscale.h>

#include "scale.h"
#include "unit.h"

static AVFrame *
picture(int w, int h)
{
	AVFrame *f = av_frame_alloc();

	if (!f)
		return NULL;
	f->width = w;
	f->height = h;
	f->format = AV_PIX_FMT_YUV420P;
	if (av_frame_get_buffer(f, 0) < 0)
		av_frame_free(&f);
	return f;
}

/* edges and a ramp: what a scaler's taps and rounding can get wrong */
static void
paint(AVFrame *f, unsigned seed)
{
	for (int p = 0; p < 3; p++) {
		int w = p ? (f->width + 1) / 2 : f->width, h = p ? (f->height + 1) / 2 : f->height;
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				seed = seed * 1103515245 + 12345;
				f->data[p][y * f->linesize[p] + x] =
					(uint8_t)(((x / 7 + y / 5) & 1 ? 235 : 16) + (x * 3 + y) % 17 + (seed >> 28));
			}
	}
}

static int
same(const AVFrame *a, const AVFrame *b)
{
	for (int p = 0; p < 3; p++) {
		int w = p ? (a->width + 1) / 2 : a->width, h = p ? (a->height + 1) / 2 : a->height;
		for (int y = 0; y < h; y++)
			if (memcmp(a->data[p] + y * a->linesize[p], b->data[p] + y * b->linesize[p], (size_t)w))
				return 0;
	}
	return 1;
}

/* plain libswscale bicubic, with the CPU flags given (-1: as detected) */
static void
reference(const AVFrame *in, AVFrame *out, int flags)
{
	int saved = av_get_cpu_flags();

	if (flags != -1)
		av_force_cpu_flags(flags);
	struct SwsContext *c = sws_getContext(in->width, in->height, in->format, out->width, out->height,
	                                      out->format, SWS_BICUBIC, NULL, NULL, NULL);
	av_force_cpu_flags(saved);
	sws_scale(c, (const uint8_t *const *)in->data, in->linesize, 0, in->height, out->data, out->linesize);
	sws_freeContext(c);
}

UNIT_TEST(test_scale_paths_agree)
{
	static const int sizes[][4] = { { 1920, 1080, 1280, 720 }, { 1920, 1080, 854, 480 }, { 1920, 1080, 640, 360 },
		                        { 1280, 720, 640, 360 }, { 854, 480, 426, 240 }, { 1280, 720, 256, 144 },
		                        { 642, 362, 321, 181 } };
	int flags = av_get_cpu_flags();

	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		AVFrame *in = picture(sizes[i][0], sizes[i][1]), *a = picture(sizes[i][2], sizes[i][3]),
			*b = picture(sizes[i][2], sizes[i][3]);
		CHECK(in && a && b);
		if (!in || !a || !b)
			return;
		paint(in, (unsigned)i);
		reference(in, a, -1);
		reference(in, b, flags & ~AV_CPU_FLAG_AVX2);
		CHECK(same(a, b));
		av_frame_free(&in);
		av_frame_free(&a);
		av_frame_free(&b);
	}
}

UNIT_TEST(test_scale_settles)
{
	AVFrame *in = picture(1280, 720), *want = picture(640, 360), *got = picture(640, 360);
	ppv_scaler s = { 0 };

	CHECK(in && want && got);
	if (!in || !want || !got)
		return;
	paint(in, 7);
	reference(in, want, -1);
	CHECK(ppv_scaler_path(&s) == -1);
	for (int i = 0; i < 40; i++) {
		memset(got->data[0], 0, (size_t)got->linesize[0] * 360);
		CHECK(ppv_scale(&s, in, got) == 0);
		CHECK(same(want, got));
	}
	int path = ppv_scaler_path(&s);
	CHECK(path == 0 || path == 1);
	CHECK(path == 0 || (av_get_cpu_flags() & AV_CPU_FLAG_AVX2));
	/* a new size: a new context, timed again */
	AVFrame *in2 = picture(1920, 1080);
	CHECK(in2 != NULL);
	if (in2) {
		paint(in2, 9);
		reference(in2, want, -1);
		CHECK(ppv_scale(&s, in2, got) == 0);
		CHECK(same(want, got));
		CHECK(ppv_scaler_path(&s) == (av_get_cpu_flags() & AV_CPU_FLAG_AVX2 ? -1 : 0));
	}
	/* a size libswscale refuses */
	av_log_set_level(AV_LOG_QUIET);
	in->width = 0;
	CHECK(ppv_scale(&s, in, got) == -1);
	in->width = 1280;
	ppv_scaler_free(&s);
	av_frame_free(&in);
	av_frame_free(&in2);
	av_frame_free(&want);
	av_frame_free(&got);
}

/* how many samples of plane p differ between a and b, and by at most how much */
static long
differ(const AVFrame *a, const AVFrame *b, int p, int *most)
{
	int w = p ? (a->width + 1) / 2 : a->width, h = p ? (a->height + 1) / 2 : a->height;
	long n = 0;

	*most = 0;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int d = a->data[p][y * a->linesize[p] + x] - b->data[p][y * b->linesize[p] + x];
			d = d < 0 ? -d : d;
			n += d != 0;
			*most = d > *most ? d : *most;
		}
	return n;
}

UNIT_TEST(test_scale_plane_is_the_pictures)
{
	static const int sizes[][4] = { { 1920, 1080, 854, 480 }, { 1280, 720, 854, 480 }, { 642, 362, 321, 181 },
		                        { 1920, 1080, 1280, 720 } };

	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		AVFrame *in = picture(sizes[i][0], sizes[i][1]), *want = picture(sizes[i][2], sizes[i][3]),
			*got = picture(sizes[i][2], sizes[i][3]);
		ppv_scaler l = { 0 }, c = { 0 };
		CHECK(in && want && got);
		if (!in || !want || !got)
			return;
		paint(in, 11 + (unsigned)i);
		reference(in, want, -1);
		/* more calls than the timing takes: whichever path is kept */
		int bad = 0;
		for (int k = 0; k < 20; k++) {
			bad |= ppv_scale_plane(&l, in->data[0], in->linesize[0], in->width, in->height, got->data[0],
			                       got->linesize[0], got->width, got->height);
			for (int p = 1; p < 3; p++)
				bad |= ppv_scale_plane(&c, in->data[p], in->linesize[p], (in->width + 1) / 2,
				                       (in->height + 1) / 2, got->data[p], got->linesize[p],
				                       (got->width + 1) / 2, (got->height + 1) / 2);
		}
		CHECK_INT(bad, 0);
		int most;
		CHECK_INT(differ(want, got, 0, &most), 0);
		for (int p = 1; p < 3; p++) {
			/* libswscale's chroma path rounds a few samples near the
			 * last lines one way, the plane path the other */
			long n = differ(want, got, p, &most), all = (long)((got->width + 1) / 2) * ((got->height + 1) / 2);
			if (most > 1 || n * 200 > all)
				fprintf(stderr, "%dx%d plane %d: %ld of %ld samples differ, by up to %d\n", got->width,
				        got->height, p, n, all, most);
			CHECK(most <= 1);
			CHECK(n * 200 <= all);
		}
		ppv_scaler_free(&l);
		ppv_scaler_free(&c);
		av_frame_free(&in);
		av_frame_free(&want);
		av_frame_free(&got);
	}
}
