/* par.c: a job cut in two, its halves run on two threads at once. */
#include "par.h"

#include <pthread.h>

struct job {
	ppv_half_fn *fn;
	void *arg;
};

static void *
run(void *arg)
{
	struct job *j = arg;

	j->fn(j->arg);
	return NULL;
}

void
ppv_par2(ppv_half_fn *fn, void *a, void *b)
{
	struct job j = { fn, a };
	pthread_t th;

	if (pthread_create(&th, NULL, run, &j)) {
		fn(a);  /* no second thread: the same work, later */
		fn(b);
		return;
	}
	fn(b);
	pthread_join(th, NULL);
}
