#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ahead.h"
#include "unit.h"

/* Pages of [p, p + n) not in memory. */
static size_t
absent(const void *p, size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), np = (n + pg - 1) / pg, out = 0;
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)(pg - 1);
	unsigned char *v = malloc(np + 1);

	if (mincore((void *)a, (uintptr_t)p + n - a, v))
		return (size_t)-1;
	for (size_t i = 0; i < np; i++)
		out += !(v[i] & 1);
	free(v);
	return out;
}

UNIT_TEST(test_ahead_faulted_in)
{
	enum { MB = 1 << 20 };
	ppv_ahead *a = ppv_ahead_new();

	CHECK(a != NULL);
	/* the block asked for comes whole in memory, before anyone touched it */
	ppv_ahead_ask(a, 8 * MB);
	char *p = ppv_ahead_take(a, 8 * MB);
	CHECK_INT((long long)absent(p, 8 * MB), 0);
	memset(p, 1, 8 * MB);
	/* another size than asked: one made on the spot, in memory too */
	ppv_ahead_ask(a, 8 * MB);
	char *q = ppv_ahead_take(a, 3 * MB);
	CHECK_INT((long long)absent(q, 3 * MB), 0);
	/* the block still asked for and never taken is freed with the helper
	 * (the sanitizers' leak check would say otherwise) */
	ppv_ahead_free(a);
	free(p), free(q);
	/* no helper: the caller's thread does the same */
	char *r = ppv_ahead_take(NULL, 4 * MB);
	CHECK_INT((long long)absent(r, 4 * MB), 0);
	free(r);
	ppv_ahead_ask(NULL, MB);
	ppv_ahead_free(NULL);
}
