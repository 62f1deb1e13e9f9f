/* breaks.c: ad breaks in media time: `--at T[/D]` arguments and the `at,duration[,event_id]` schedule CSV, sorted and checked. */
#include "breaks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvio.h"
#include "input.h"
#include "when.h"

static void
add(ppv_breaks *b, ppv_break x)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		b->v = ppv_xrealloc(b->v, b->cap * sizeof *b->v);
	}
	b->v[b->n++] = x;
}

int
ppv_breaks_at(ppv_breaks *b, const char *arg, uint64_t dflt)
{
	ppv_break x = { .duration = dflt };
	char buf[64];
	const char *slash = strchr(arg, '/');
	size_t tl = slash ? (size_t)(slash - arg) : strlen(arg);

	if (tl >= sizeof buf)
		return -1;
	memcpy(buf, arg, tl);
	buf[tl] = '\0';
	if (ppv_media_time_parse(buf, &x.at) < 0 ||
	    (slash && (ppv_media_time_parse(slash + 1, &x.duration) < 0 || x.duration == 0)))
		return -1;
	x.event_id = b->next_id++;
	add(b, x);
	return 0;
}

static int
read_id(const char *s, uint32_t *id)
{
	char *end;

	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end || *s == '-' || v > 0xffffffffULL)
		return -1;
	*id = (uint32_t)v;
	return 0;
}

int
ppv_breaks_read(ppv_breaks *b, const char *path, char *err, size_t errcap)
{
	ppv_input *in = ppv_input_open(path);
	ppv_csv *csv = ppv_csv_open(in);
	int cat = ppv_csv_col(csv, "at"), cdur = ppv_csv_col(csv, "duration");
	int cid = ppv_csv_col(csv, "event_id"), rc = 0;

	if (cat < 0 || cdur < 0)
		rc = ppv_errf(err, errcap, "%s:1: the schedule needs `at` and `duration` columns", path);
	while (rc == 0 && ppv_csv_next(csv)) {
		ppv_break x = { 0 };
		const char *at = ppv_csv_field(csv, cat), *dur = ppv_csv_field(csv, cdur);
		const char *id = ppv_csv_field(csv, cid);
		long line = ppv_csv_line(csv);
		if (ppv_media_time_parse(at, &x.at) < 0)
			rc = ppv_errf(err, errcap, "%s:%ld: at: '%s' is not a time", path, line, at);
		else if (ppv_media_time_parse(dur, &x.duration) < 0 || x.duration == 0)
			rc = ppv_errf(err, errcap, "%s:%ld: duration: '%s' is not a duration", path, line, dur);
		else if (*id && read_id(id, &x.event_id) < 0)
			rc = ppv_errf(err, errcap, "%s:%ld: event_id: '%s' is not a 32-bit number", path, line, id);
		else {
			if (!*id)
				x.event_id = b->next_id++;
			add(b, x);
		}
	}
	ppv_csv_close(csv);
	ppv_input_close(in);
	return rc;
}

void
ppv_breaks_number_from(ppv_breaks *b, uint32_t first)
{
	for (size_t i = 0; i < b->n; i++)
		b->v[i].event_id = first + (uint32_t)i;
	b->next_id = first + (uint32_t)b->n;
}

static int
by_at(const void *a, const void *b)
{
	const ppv_break *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

int
ppv_breaks_check(ppv_breaks *b, char *err, size_t errcap)
{
	char t0[32], t1[32];

	if (b->n)
		qsort(b->v, b->n, sizeof *b->v, by_at);
	for (size_t i = 1; i < b->n; i++) {
		const ppv_break *p = &b->v[i - 1];
		if (p->duration != PPV_BREAK_OPEN && p->at + p->duration > b->v[i].at)
			return ppv_errf(err, errcap, "the break at %ss overlaps the one at %ss",
					ppv_ticks_format(b->v[i].at, t0), ppv_ticks_format(p->at, t1));
	}
	return 0;
}

void
ppv_breaks_free(ppv_breaks *b)
{
	free(b->v);
	*b = (ppv_breaks){ 0 };
}
