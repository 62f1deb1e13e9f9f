/* evindex.c: every event of a run by the fingerprint of its event_id, in one Robin Hood table. */
#include "evindex.h"

#include <sys/mman.h>

#include "cli.h"

/* Fresh zero pages from the kernel, touched only when used, and huge pages
 * where the kernel gives them on request: every event probes a random slot,
 * and with 4 KiB pages most probes would miss the TLB as well as the cache. */
static ppv_evslot *
slots_alloc(size_t n)
{
	size_t bytes = n * sizeof(ppv_evslot);
	void *t = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (t == MAP_FAILED)
		ppv_die(PPV_ERR, "out of memory");
	madvise(t, bytes, MADV_HUGEPAGE);
	return t;
}

static void
slots_free(ppv_evslot *t, size_t n)
{
	if (t)
		munmap(t, n * sizeof *t);
}

/* A fingerprint's home among n slots: ppv_evindex_slot for a table being built. */
static size_t
home(size_t n, uint64_t h)
{
	return ppv_evindex_slot(&(ppv_evindex){ .n = n }, h);
}

/* How far a slot's entry sits from where it would like to be. */
static size_t
dist(size_t n, size_t i, uint64_t h)
{
	size_t want = home(n, h);

	return i >= want ? i - want : i + n - want;
}

/* x into t, its n slots; where mine ends up, if it is x or moved by it */
static void
rh_insert(ppv_evslot *t, size_t n, ppv_evslot x, ppv_evslot **where, uint64_t mine)
{
	size_t i = home(n, x.id), d = 0;

	for (;;) {
		if (!t[i].id) {
			t[i] = x;
			if (x.id == mine)
				*where = &t[i];
			return;
		}
		size_t sd = dist(n, i, t[i].id);
		if (sd < d) {
			/* the richer entry moves on: probe lengths stay even */
			ppv_evslot y = t[i];
			t[i] = x;
			if (x.id == mine)
				*where = &t[i];
			x = y;
			d = sd;
		}
		i = i + 1 == n ? 0 : i + 1;
		d++;
	}
}

/* Every event into a table of n slots. */
static void
rehash(ppv_evindex *x, size_t n)
{
	ppv_evslot *old = x->slot, *dummy;
	size_t on = x->n;

	x->n = n;
	x->slot = slots_alloc(n);
	for (size_t k = 0; k < on; k++)
		if (old[k].id)
			rh_insert(x->slot, x->n, old[k], &dummy, 0);
	slots_free(old, on);
}

void
ppv_evindex_init(ppv_evindex *x)
{
	x->n = 1 << 14;
	x->used = 0;
	x->slot = slots_alloc(x->n);
}

void
ppv_evindex_free(ppv_evindex *x)
{
	slots_free(x->slot, x->n);
	x->slot = NULL;
}

/* Growth holds the old and the new table at once, which is the peak of a big
 * run, so a run that can tell its size sizes the table once, from the first
 * rows, for 90 % full at the end. */
void
ppv_evindex_reserve(ppv_evindex *x, uint64_t n)
{
	uint64_t want = (n + n / 20 + 1024) * 10 / 9;

	if (want > x->n)
		rehash(x, (size_t)want);
}

ppv_evslot *
ppv_evindex_insert(ppv_evindex *x, uint64_t h)
{
	ppv_evslot *s = NULL;

	if ((x->used + 1) * 100 > x->n * 92)
		rehash(x, x->n + x->n / 2);
	rh_insert(x->slot, x->n, (ppv_evslot){ .id = h }, &s, h);
	x->used++;
	return s;
}
