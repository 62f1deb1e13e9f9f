/* evread.c: event logs read, parsed and checked on a thread of their own, handed over in order in batches. */
#include "evread.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/mem.h>
#include <libavutil/murmur3.h>

#include "cli.h"
#include "csvio.h"
#include "input.h"

/* Parsing a row costs about what applying it does, so a reader thread halves
 * the time on two cores. The two sides' speeds vary from batch to batch, each
 * ahead in turn: with three batches in flight, 2M events of a million
 * creators had the reader wait 168 times and the caller 152; sixteen (64k
 * rows; peak RSS +10 MB, measured) cut the waits to 9 and 72, and the run from
 * 1.53 to 1.24 s (5,000 creators: 0.86 -> 0.73 s); measured again an hour
 * later, on a slower host, 1.78 -> 1.59 s. */
enum { BATCH = 4096, NBUF = 16 };

struct batch {
	ppv_evrec r[BATCH];
	size_t n;
	char *arena;           /* the rows' strings; pointers fixed up when full */
	size_t alen, acap;
	int end;
};

struct ppv_evread {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch b[NBUF];
	unsigned filled, taken; /* batches produced, and given back by the caller */
	int holding;            /* the caller has batch taken % NBUF */
	int done;               /* the caller was told the end */
	uint64_t row_bytes;     /* average row length, once a batch is read */
	ppv_input *in;
	ppv_csv *csv;
	char *name;
	struct AVMurMur3 *mm;
};

static uint64_t
fp_with(struct AVMurMur3 *mm, const char *s, size_t n)
{
	uint8_t fp[16];
	uint64_t h;

	av_murmur3_init_seeded(mm, 0x70707665617273ULL);
	av_murmur3_update(mm, (const uint8_t *)s, n);
	av_murmur3_final(mm, fp);
	memcpy(&h, fp, 8);
	return h | 1;  /* 0 marks an empty slot */
}

uint64_t
ppv_evread_fp(const char *s, size_t n)
{
	static struct AVMurMur3 *mm;  /* the caller's thread only; the reader has its own */

	if (!mm && !(mm = av_murmur3_alloc()))
		ppv_die(PPV_ERR, "out of memory");
	return fp_with(mm, s, n);
}

/* Offsets into the arena while it may still move, pointers once it is done. */
static size_t
keep(struct batch *b, const char *s, size_t n)
{
	if (b->alen + n + 1 > b->acap) {
		b->acap = 2 * (b->alen + n + 1) + 65536;
		b->arena = ppv_xrealloc(b->arena, b->acap);
	}
	size_t off = b->alen;
	memcpy(b->arena + off, s, n);
	b->arena[off + n] = 0;
	b->alen += n + 1;
	return off;
}

#define AT(b, off) ((b)->arena + (size_t)(uintptr_t)(off))

static void
fix(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		ppv_evrec *r = &b->r[i];
		r->v.id = AT(b, r->v.id), r->v.creator = AT(b, r->v.creator), r->v.country = AT(b, r->v.country);
		r->v.platform = AT(b, r->v.platform), r->v.ref = AT(b, r->v.ref);
		/* offset 0 is the batch's empty string, never an error or a row */
		if (r->error) {
			r->error = AT(b, r->error);
			r->row = AT(b, r->row);
		} else {
			r->raw = AT(b, r->raw);
		}
	}
}

/* What makes two rows the same event: the values as parsed, so 12.5 and
 * 12.50, unix and RFC 3339 times, or an empty extra column do not differ. */
static uint32_t
event_fp(struct AVMurMur3 *mm, const ppv_event *v, const char *viewer, const size_t len[10])
{
	const char *s[] = { v->id, v->creator, v->country, v->platform, v->ref, viewer, v->cur };
	const size_t sl[] = { len[0], len[2], len[6], len[8], len[9], len[7], 3 };
	const int64_t n[] = { v->t, v->amount, v->kind };
	uint8_t buf[1024], fp[16], *p = buf;
	uint32_t h;

	/* gathered first: one update hashes faster than seven short ones */
	memcpy(p, n, sizeof n);
	p += sizeof n;
	av_murmur3_init_seeded(mm, 0x726f77ULL);
	for (size_t i = 0; i < sizeof s / sizeof *s; i++) {
		size_t k = sl[i] + 1;
		if ((size_t)(buf + sizeof buf - p) < k) {
			av_murmur3_update(mm, buf, (size_t)(p - buf));
			p = buf;
			if (k > sizeof buf) {
				av_murmur3_update(mm, (const uint8_t *)s[i], k);
				continue;
			}
		}
		memcpy(p, s[i], k);
		p += k;
	}
	av_murmur3_update(mm, buf, (size_t)(p - buf));
	av_murmur3_final(mm, fp);
	memcpy(&h, fp, 4);
	return h;
}

/* One row into b: parsed, checked, fingerprinted. */
static void
row(ppv_evread *r, struct batch *b, const int *col)
{
	ppv_csv *c = r->csv;
	ppv_evrec *x = &b->r[b->n++];
	const char *f[10];
	size_t len[10];
	char err[512];

	ppv_csv_fields(c, col, 10, f, len);
	x->line = ppv_csv_line(c);
	x->error = x->row = x->raw = NULL;
	x->rawlen = 0;
	int nul = ppv_csv_nul(c);
	if (nul >= 0)
		snprintf(err, sizeof err, "field %d holds a NUL byte", nul + 1);
	if (nul >= 0 || ppv_event_parse(&x->v, f, err, sizeof err)) {
		/* the consumer rejects it, in order; it needs the row as written */
		char *text = ppv_csv_row_text(c);
		x->error = (const char *)(uintptr_t)keep(b, err, strlen(err));
		x->row = (const char *)(uintptr_t)keep(b, text, strlen(text));
		free(text);
		memset(&x->v, 0, sizeof x->v);
		x->id_fp = 0;
		x->v.id = x->v.creator = x->v.country = x->v.platform = x->v.ref = NULL;
		return;
	}
	x->v.body = event_fp(r->mm, &x->v, f[7], len);
	x->v.creator_fp = ppv_creator_hash(x->v.creator, len[2]);
	x->id_fp = fp_with(r->mm, x->v.id, len[0]);
	/* the row once; its fields point into it (a missing column: offset 0, "") */
	size_t rn;
	const char *raw = ppv_csv_row(c, &rn);
	size_t at = keep(b, raw, rn);
	const char **s[] = { &x->v.id, &x->v.creator, &x->v.country, &x->v.platform, &x->v.ref };
	for (size_t i = 0; i < sizeof s / sizeof *s; i++)
		*s[i] = (const char *)(uintptr_t)(*s[i] >= raw && *s[i] < raw + rn ? at + (size_t)(*s[i] - raw) : 0);
	x->raw = (const char *)(uintptr_t)at;
	x->rawlen = rn;
}

static struct batch *
empty_batch(ppv_evread *r)
{
	pthread_mutex_lock(&r->mu);
	while (r->filled - r->taken >= NBUF)
		pthread_cond_wait(&r->cv, &r->mu);
	struct batch *b = &r->b[r->filled % NBUF];
	pthread_mutex_unlock(&r->mu);
	b->n = b->alen = 0;
	b->end = 0;
	keep(b, "", 0);  /* offset 0: "", so that no error or row is ever at 0 */
	return b;
}

static void
hand_over(ppv_evread *r, struct batch *b)
{
	fix(b);
	pthread_mutex_lock(&r->mu);
	r->filled++;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

static void *
reader(void *arg)
{
	ppv_evread *r = arg;
	struct batch *b = empty_batch(r);

	if (r->csv) {
		ppv_csv *c = r->csv;
		int col[10];
		static const char *const names[10] = { "event_id", "time", "creator_id", "kind", "amount", "currency",
			                                "country", "viewer_id", "platform", "ref_event_id" };
		for (int i = 0; i < 10; i++)
			if ((col[i] = ppv_csv_col(c, names[i])) < 0 && i < 6)
				ppv_die(PPV_ERR, "%s: no '%s' column", r->name, names[i]);
		while (ppv_csv_next(c)) {
			row(r, b, col);
			if (b->n == BATCH) {
				if (!r->row_bytes)
					r->row_bytes = ppv_input_consumed(r->in) / BATCH + 1;
				hand_over(r, b);
				b = empty_batch(r);
			}
		}
	}
	b->end = 1;
	hand_over(r, b);
	return NULL;
}

ppv_evread *
ppv_evread_open(const char *path)
{
	ppv_evread *r = ppv_xcalloc(1, sizeof *r);

	if (!(r->mm = av_murmur3_alloc()))
		ppv_die(PPV_ERR, "out of memory");
	r->in = ppv_input_open(path);
	r->name = ppv_xstrdup(ppv_input_name(r->in));
	/* the header is read here, so a missing column is reported before any row */
	r->csv = ppv_csv_open_as(r->in, PPV_EVENT_COLUMNS, "event_id");
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if (pthread_create(&r->th, NULL, reader, r))
		ppv_die(PPV_ERR, "cannot start a reader thread");
	return r;
}

const ppv_evrec *
ppv_evread_next(ppv_evread *r, size_t *n)
{
	if (r->done) {
		*n = 0;
		return NULL;
	}
	pthread_mutex_lock(&r->mu);
	if (r->holding) {
		/* the batch the caller had is free again */
		int end = r->b[r->taken % NBUF].end;
		r->taken++;
		r->holding = 0;
		pthread_cond_broadcast(&r->cv);
		if (end) {
			pthread_mutex_unlock(&r->mu);
			r->done = 1;
			*n = 0;
			return NULL;
		}
	}
	while (r->filled == r->taken)
		pthread_cond_wait(&r->cv, &r->mu);
	struct batch *b = &r->b[r->taken % NBUF];
	r->holding = 1;
	pthread_mutex_unlock(&r->mu);
	*n = b->n;
	return b->r;
}

uint64_t
ppv_evread_row_bytes(const ppv_evread *r)
{
	return r->row_bytes;  /* written before the batch was handed over, under the lock */
}

const char *
ppv_evread_name(const ppv_evread *r)
{
	return r->name;
}

void
ppv_evread_close(ppv_evread *r)
{
	size_t n;

	if (!r)
		return;
	while (ppv_evread_next(r, &n))
		;  /* a reader blocked on a full queue must get to its end */
	pthread_join(r->th, NULL);
	ppv_csv_close(r->csv);
	ppv_input_close(r->in);
	for (int i = 0; i < NBUF; i++)
		free(r->b[i].arena);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	av_free(r->mm);
	free(r->name);
	free(r);
}
