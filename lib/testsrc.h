/* testsrc.h: a built-in test stream (moving pattern with a counter, a tone) encoded to H.264/AAC. */
#ifndef PPV_TESTSRC_H
#define PPV_TESTSRC_H

#include <signal.h>
#include <stdint.h>

#include "tsout.h"

typedef struct {
	int width, height, fps;
	int64_t duration_ms;          /* 0: until stopped */
	volatile sig_atomic_t *stop;
} ppv_testsrc_cfg;

/* 0 done (or the reader left), -1 error with the reason in err. */
int ppv_testsrc(const ppv_testsrc_cfg *cfg, ppv_tsout *out, char *err, size_t n);

#endif
