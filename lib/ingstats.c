/* ingstats.c: ppv-ingest's statistics line, the same from either remux path: what a monitoring
 * job tails to see each stream's rate, keyframe interval and trouble. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ingstats.h"
#include "json.h"
#include "timeline.h"
#include "when.h"

enum { TB = 90000 };

void
ppv_ingstats_write(int fd, ppv_ingstats *s, int final)
{
	char line[640], when[32], esc[6 * 64 + 1] = "", remote[80] = "";

	if (s->name)
		ppv_json_escape(esc, s->name, strnlen(s->name, 64));
	if (s->remote)
		snprintf(remote, sizeof remote, ",\"remote\":\"%.64s\"", s->remote);   /* digits, dots, colons, brackets */
	double span = (double)(s->vlast - s->win_start) / TB;
	int len = snprintf(line, sizeof line,
		"{\"time\":\"%s\",\"name\":\"%s\"%s,\"media_seconds\":%.3f,\"bitrate_kbps\":%.0f,"
		"\"fps\":%.2f,\"keyframe_interval\":%.3f,\"av_offset_ms\":%.0f,\"bytes\":%llu,"
		"\"reconnects\":%d,\"discontinuities\":%d,\"dropped_packets\":%llu,\"reconfigurations\":%d%s}\n",
		ppv_time_format(time(NULL), when), esc, remote,
		(double)(s->vlast > PPV_TIMELINE_START ? s->vlast - PPV_TIMELINE_START : 0) / TB,
		span > 0 ? (double)s->win_bytes * 8 / 1000 / span : 0.0,
		span > 0 ? (double)s->win_frames / span : 0.0,
		(double)s->keyint / TB,
		s->alast && s->vlast ? (double)ppv_ticks_to_ms(s->alast - s->vlast) : 0.0,
		(unsigned long long)s->bytes, s->reconnects, s->jumps, (unsigned long long)s->dropped,
		s->reconfigs, final ? ",\"final\":true" : "");
	if (write(fd, line, (size_t)len) < 0)
		ppv_warn("stats: write error:");
	s->win_frames = s->win_bytes = 0;
	s->win_start = s->vlast;
}
