/* progress.c: show that long work is moving, on a terminal only, so logs and pipes stay clean. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "when.h"

void
ppv_progress_start(ppv_progress *p, const char *what)
{
	p->on = isatty(STDERR_FILENO);
	p->what = what;
	p->last_ms = ppv_now_ms();
	p->every = 4096;
}

void
ppv_progress_tick(ppv_progress *p, uint64_t done)
{
	if (!p->on || done % p->every)
		return;
	int64_t t = ppv_now_ms();
	if (t - p->last_ms < 500)
		return;
	p->last_ms = t;
	fprintf(stderr, "\r%llu %s...", (unsigned long long)done, p->what);
}

void
ppv_progress_end(ppv_progress *p, uint64_t done)
{
	if (p->on && done >= p->every)
		fprintf(stderr, "\r%llu %s, done\n", (unsigned long long)done, p->what);
}
