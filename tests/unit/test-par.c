#include <pthread.h>

#include "par.h"
#include "unit.h"

struct half {
	pthread_t by;
	int runs;
};

static void
half(void *arg)
{
	struct half *h = arg;

	h->by = pthread_self();
	h->runs++;
}

UNIT_TEST(test_par2_halves)
{
	struct half a = { .runs = 0 }, b = { .runs = 0 };

	ppv_par2(half, &a, &b);
	/* each half once; the second on the caller's thread, the first not */
	CHECK_INT(a.runs, 1);
	CHECK_INT(b.runs, 1);
	CHECK(pthread_equal(b.by, pthread_self()));
	CHECK(!pthread_equal(a.by, pthread_self()));
}
