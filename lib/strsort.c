/* strsort.c: pointers put in the order of a string each one's object names, by radix on eight bytes at a time. */
#include "strsort.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "par.h"

/* A million creators' ids in qsort took 0.11 s of CPU, most of it calls to
 * the comparator; ids are short and alike ("c123456"), so eight bytes of
 * each, as one big-endian number, order nearly all of them, and a radix
 * sort of those numbers only passes over the bytes that differ. Strings
 * equal in their eight bytes and longer go on to the next eight. */

struct ent {
	uint64_t k;          /* eight bytes of the string at the depth sorted on; NULs past its end */
	const void *p;
};

enum {
	SMALL = 24,          /* fewer: by insertion */
	DEEP = 64            /* runs alike this far are merge-sorted: no recursion to the end of a long id */
};

static const char *
str(const void *p, size_t off)
{
	const char *s;

	memcpy(&s, (const char *)p + off, sizeof s);
	return s;
}

uint64_t
ppv_strsort_key(const char *s)
{
	uint64_t k = 0;

	for (int j = 0, end = 0; j < 8; j++) {
		unsigned c = end ? 0 : (unsigned char)s[j];  /* never read past the NUL */
		end = !c;
		k = k << 8 | c;
	}
	return k;
}

static int
less(const struct ent *x, const struct ent *y, size_t off, size_t depth)
{
	return strcmp(str(x->p, off) + depth, str(y->p, off) + depth) < 0;
}

static void
insertion(struct ent *a, size_t n, size_t off, size_t depth)
{
	for (size_t i = 1; i < n; i++) {
		struct ent x = a[i];
		size_t j = i;
		for (; j > 0 && less(&x, &a[j - 1], off, depth); j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
}

/* bottom-up, t as big as a */
static void
merge_sort(struct ent *a, struct ent *t, size_t n, size_t off, size_t depth)
{
	struct ent *from = a, *to = t;

	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			for (size_t i = lo, j = mid, k = lo; k < hi; k++)
				to[k] = j == hi || (i < mid && !less(&from[j], &from[i], off, depth)) ? from[i++] : from[j++];
		}
		struct ent *x = from;
		from = to, to = x;
	}
	if (from != a)
		memcpy(a, from, n * sizeof *a);
}

/* a by k, stable, a byte at a time from the lowest; a byte every key shares costs no pass */
static void
radix(struct ent *a, struct ent *t, size_t n)
{
	size_t cnt[8][256] = { { 0 } };
	struct ent *from = a, *to = t;

	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < 8; d++)
			cnt[d][a[i].k >> (8 * d) & 255]++;
	for (int d = 0; d < 8; d++) {
		if (cnt[d][a[0].k >> (8 * d) & 255] == n)
			continue;
		size_t pos[256], sum = 0;
		for (int b = 0; b < 256; b++)
			pos[b] = sum, sum += cnt[d][b];
		for (size_t i = 0; i < n; i++)
			to[pos[from[i].k >> (8 * d) & 255]++] = from[i];
		struct ent *x = from;
		from = to, to = x;
	}
	if (from != a)
		memcpy(a, from, n * sizeof *a);
}

/* a's keys: the eight bytes of each string from depth on */
static void
rekey(struct ent *a, size_t n, size_t off, size_t depth)
{
	for (size_t i = 0; i < n; i++)
		a[i].k = ppv_strsort_key(str(a[i].p, off) + depth);
}

/* a's strings all alike in their first depth bytes, a's keys those after them */
static void
sort(struct ent *a, struct ent *t, size_t n, size_t off, size_t depth)
{
	for (;;) {
		if (n < SMALL) {
			insertion(a, n, off, depth);
			return;
		}
		if (depth >= DEEP) {
			merge_sort(a, t, n, off, depth);
			return;
		}
		radix(a, t, n);
		if (a[0].k == a[n - 1].k) {
			if (!(a[0].k & 255))
				return;  /* all the same string */
			depth += 8;  /* all alike so far: on, without a call */
			rekey(a, n, off, depth);
			continue;
		}
		for (size_t i = 0, j; i < n; i = j) {
			for (j = i + 1; j < n && a[j].k == a[i].k; j++)
				;
			/* a last byte not NUL: the strings go on past these eight */
			if (j - i > 1 && (a[i].k & 255)) {
				rekey(a + i, j - i, off, depth + 8);
				sort(a + i, t + i, j - i, off, depth + 8);
			}
		}
		return;
	}
}

/* One half of ppv_strsort_beside: the job, or the sort into a (l untouched) */
struct half {
	void (*job)(void *);
	void *arg;
	const void *const *l;
	const uint64_t *keys;
	size_t n, off;
	struct ent *a;
};

static void
half(void *p)
{
	struct half *h = p;

	if (h->job) {
		h->job(h->arg);
		return;
	}
	if (h->n < 2)
		return;
	h->a = ppv_xbig(NULL, 2 * h->n * sizeof *h->a);
	for (size_t i = 0; i < h->n; i++)
		h->a[i].p = h->l[i];
	if (h->keys)
		for (size_t i = 0; i < h->n; i++)
			h->a[i].k = h->keys[i];
	else
		rekey(h->a, h->n, h->off, 0);
	sort(h->a, h->a + h->n, h->n, h->off, 0);
}

void
ppv_strsort_beside(const void **l, const uint64_t *keys, size_t n, size_t off, void (*job)(void *), void *arg)
{
	struct half s = { NULL, NULL, l, keys, n, off, NULL }, j = { job, arg, NULL, NULL, 0, 0, NULL };

	/* the sort on this thread: out of memory there ends the run, as it may */
	if (job)
		ppv_par2(half, &j, &s);
	else
		half(&s);
	if (!s.a)
		return;
	for (size_t i = 0; i < n; i++)
		l[i] = s.a[i].p;
	free(s.a);
}

void
ppv_strsort(const void **l, size_t n, size_t off)
{
	ppv_strsort_beside(l, NULL, n, off, NULL, NULL);
}
