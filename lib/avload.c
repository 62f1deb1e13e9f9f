/* avload.c: FFmpeg libraries opened at run time, for the rare paths that need them, so the common ones stay small. */
#include "avload.h"

#include <dlfcn.h>
#include <stdio.h>

#include <libavutil/macros.h>

#include "cli.h"

/* The majors of the headers: the ABI the struct layouts here come from. */
#define LIB_f "libavformat.so." AV_STRINGIFY(LIBAVFORMAT_VERSION_MAJOR)
#define LIB_c "libavcodec.so." AV_STRINGIFY(LIBAVCODEC_VERSION_MAJOR)
#define LIB_filter "libavfilter.so." AV_STRINGIFY(LIBAVFILTER_VERSION_MAJOR)

const ppv_av *
ppv_av_load(char *err, size_t cap)
{
	static ppv_av av;
	static int loaded;
	void *c, *f;

	if (loaded)
		return &av;
	if (!(c = dlopen(LIB_c, RTLD_NOW | RTLD_GLOBAL)) || !(f = dlopen(LIB_f, RTLD_NOW | RTLD_GLOBAL))) {
		ppv_errf(err, cap, "cannot load FFmpeg's libraries: %s", dlerror());
		return NULL;
	}
#define PPV_AV_SYM(lib, name) \
	if (!(*(void **)&av.name = dlsym(lib, #name))) { \
		ppv_errf(err, cap, "%s has no %s", LIB_##lib, #name); \
		return NULL; \
	}
	PPV_AV_CALLS(PPV_AV_SYM)
#undef PPV_AV_SYM
	loaded = 1;
	return &av;
}

const ppv_avfilter *
ppv_avfilter_load(char *err, size_t cap)
{
	static ppv_avfilter av;
	static int loaded;
	void *l;

	if (loaded)
		return &av;
	if (!(l = dlopen(LIB_filter, RTLD_NOW | RTLD_GLOBAL))) {
		ppv_errf(err, cap, "cannot load FFmpeg's libavfilter: %s", dlerror());
		return NULL;
	}
#define PPV_AVFILTER_SYM(name) \
	if (!(*(void **)&av.name = dlsym(l, #name))) { \
		ppv_errf(err, cap, "%s has no %s", LIB_filter, #name); \
		return NULL; \
	}
	PPV_AVFILTER_CALLS(PPV_AVFILTER_SYM)
#undef PPV_AVFILTER_SYM
	loaded = 1;
	return &av;
}
