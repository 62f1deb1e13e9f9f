/* ahead.c: big blocks of memory faulted in on a thread of their own before they are needed. */
#include "ahead.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A page's first touch is the kernel zeroing it, and on this VM that ran at
 * about 600 MB/s: a third of ppv-earnings' main thread at a million
 * creators, while the reader thread's core was idle a third of the time.
 * Touched here first, the pages cost the caller nothing but their use. */
enum { IDLE, ASKED, READY, QUIT };

struct ppv_ahead {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int state;
	size_t n;              /* the block asked for, or ready */
	void *p;               /* READY: the block */
};

static void *
touched(size_t n)
{
	char *p = ppv_xbig(NULL, n);
	/* a write a page faults it in; what the block holds is the caller's */
	for (size_t i = 0; i < n; i += 4096)
		((volatile char *)p)[i] = 0;
	return p;
}

static void *
run(void *arg)
{
	ppv_ahead *a = arg;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (a->state != ASKED && a->state != QUIT)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->state == QUIT)
			break;
		size_t n = a->n;
		pthread_mutex_unlock(&a->mu);
		void *p = touched(n);
		pthread_mutex_lock(&a->mu);
		if (a->state == ASKED && a->n == n) {
			a->p = p, a->state = READY;
			pthread_cond_broadcast(&a->cv);
		} else {
			free(p);  /* asked for another size meanwhile, or told to quit */
		}
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

ppv_ahead *
ppv_ahead_new(void)
{
	ppv_ahead *a = ppv_xcalloc(1, sizeof *a);

	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	if (pthread_create(&a->th, NULL, run, a)) {
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->mu);
		free(a);
		return NULL;
	}
	return a;
}

void
ppv_ahead_ask(ppv_ahead *a, size_t n)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	if (a->state == READY)
		free(a->p), a->p = NULL;
	a->n = n, a->state = ASKED;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

void *
ppv_ahead_take(ppv_ahead *a, size_t n)
{
	void *p = NULL;

	if (!a)
		return touched(n);
	pthread_mutex_lock(&a->mu);
	if (a->n == n)
		while (a->state == ASKED)
			pthread_cond_wait(&a->cv, &a->mu);
	if (a->state == READY && a->n == n)
		p = a->p, a->p = NULL, a->state = IDLE;
	pthread_mutex_unlock(&a->mu);
	return p ? p : touched(n);
}

void
ppv_ahead_free(ppv_ahead *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	if (a->state == READY)
		free(a->p);
	a->state = QUIT;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->th, NULL);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	free(a);
}
