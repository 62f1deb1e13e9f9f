/* timeline.c: where each unit of a live source goes on ppv-ingest's output timeline, so that
 * what comes out is continuous whatever the publisher's timestamps do. */
#include "timeline.h"

enum {
	TB = 90000,
	JUMP_BACK = TB / 2,           /* a source going back more than this jumped */
	JUMP_FWD = 2 * TB,            /* ... or forward more than this */
};

int64_t
ppv_timeline_place(ppv_timeline *tl, ppv_timeline_track *t, int64_t dts, int64_t dur, int video)
{
	if (!tl->started) {
		tl->offset = PPV_TIMELINE_START - dts;
		tl->started = 1;
	}
	int64_t out = dts + tl->offset;
	if (t->seen) {
		int64_t d = out - t->last;
		if (d < -JUMP_BACK || d > JUMP_FWD) {
			tl->offset += t->last + t->dur - out;
			out = t->last + t->dur;
			tl->jumps++;
		} else if (d <= 0) {
			out = t->last + 1;
		}
	}
	if (dur <= 0)
		dur = t->seen && out > t->last ? out - t->last : video ? TB / 30 : TB / 50;
	t->dur = dur;
	t->last = out;
	t->seen = 1;
	return out;
}
