/* scale.c: pictures and planes resized by libswscale, on the faster of its two bit-identical x86 paths as timed here. */
#include "scale.h"

#include <time.h>

#include <libavutil/cpu.h>
#include <libswscale/swscale.h>

/* libswscale 6 reads AV_CPU_FLAG_AVX2 and then scales lines horizontally
 * with vpgatherdd. Where gather is slow (seen here on AMD Zen 4; reported,
 * not measured, for Intel with its GDS microcode) the SSSE3 code is faster
 * at some sizes and slower at others:
 * 1080p to 720p took 1.59 ms with AVX2 and 1.21 ms without on this EPYC,
 * 720p to 480p 0.50 against 0.55. The two give the same bytes (tests/unit
 * checks it), so each scaler times both on its first pictures and keeps the
 * faster: output never depends on which. */
enum { TRIALS = 8 };

static int64_t
thread_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void
drop(ppv_scaler *s)
{
	sws_freeContext(s->c[0]);
	sws_freeContext(s->c[1]);
	s->c[0] = s->c[1] = NULL;
}

static struct SwsContext *
make(const ppv_scaler *s)
{
	return sws_getContext(s->sw, s->sh, s->sf, s->dw, s->dh, s->df, SWS_BICUBIC, NULL, NULL, NULL);
}

static int
setup(ppv_scaler *s, int sw, int sh, int sf, int dw, int dh, int df)
{
	drop(s);
	*s = (ppv_scaler){ .sw = sw, .sh = sh, .sf = sf, .dw = dw, .dh = dh, .df = df };
	if (!(s->c[0] = make(s)))
		return -1;
	int flags = av_get_cpu_flags();
	if (flags & AV_CPU_FLAG_AVX2) {
		av_force_cpu_flags(flags & ~AV_CPU_FLAG_AVX2);
		s->c[1] = make(s);
		av_force_cpu_flags(flags);
	}
	s->best[0] = s->best[1] = INT64_MAX;
	if (!s->c[1])
		s->timed = 2 * TRIALS; /* one path: nothing to choose */
	return 0;
}

/* src (sh lines) into dst, by the context for that geometry, made when it changes */
static int
scale(ppv_scaler *s, const uint8_t *const src[], const int sls[], int sw, int sh, int sf, uint8_t *const dst[],
      const int dls[], int dw, int dh, int df)
{
	if ((!s->c[0] || sw != s->sw || sh != s->sh || sf != s->sf || dw != s->dw || dh != s->dh || df != s->df) &&
	    setup(s, sw, sh, sf, dw, dh, df) < 0)
		return -1;
	if (s->timed >= 2 * TRIALS) {
		sws_scale(s->c[0], src, sls, 0, sh, dst, dls);
		return 0;
	}
	int k = (int)(s->timed++ & 1);
	int64_t t = thread_ns();
	sws_scale(s->c[k], src, sls, 0, sh, dst, dls);
	t = thread_ns() - t;
	if (t < s->best[k])
		s->best[k] = t;
	if (s->timed == 2 * TRIALS) {
		/* the fastest call of each: the least disturbed by other work */
		s->kept = s->best[1] < s->best[0];
		if (s->kept) {
			struct SwsContext *x = s->c[0];
			s->c[0] = s->c[1];
			s->c[1] = x;
		}
		sws_freeContext(s->c[1]);
		s->c[1] = NULL;
	}
	return 0;
}

int
ppv_scale(ppv_scaler *s, const AVFrame *in, AVFrame *out)
{
	return scale(s, (const uint8_t *const *)in->data, in->linesize, in->width, in->height, in->format, out->data,
	             out->linesize, out->width, out->height, out->format);
}

int
ppv_scale_plane(ppv_scaler *s, const uint8_t *src, int sls, int sw, int sh, uint8_t *dst, int dls, int dw, int dh)
{
	return scale(s, &src, &sls, sw, sh, AV_PIX_FMT_GRAY8, &dst, &dls, dw, dh, AV_PIX_FMT_GRAY8);
}

int
ppv_scaler_path(const ppv_scaler *s)
{
	return s->c[0] && s->timed >= 2 * TRIALS ? s->kept : -1;
}

void
ppv_scaler_free(ppv_scaler *s)
{
	drop(s);
}
