/* nomem.c: an LD_PRELOAD shim for the tests: realloc(3) on any thread but the
 * main one fails, as out of memory, for a power of two of NOMEM_FROM bytes or
 * more (the doubling buffers of ppv-earnings' rows), saying so once on stderr. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static void *(*real)(void *, size_t);
static size_t from;  /* 0: refuse nothing */
static int said;

/* before main, so no thread reads these while they are set (or at the first
 * realloc, if another library's constructor makes one before this one runs) */
__attribute__((constructor)) static void
init(void)
{
	const char *s = getenv("NOMEM_FROM");

	real = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	from = s ? strtoull(s, NULL, 10) : 0;
}

void *
realloc(void *p, size_t n)
{
	if (!real)
		init();
	if (from && n >= from && !(n & (n - 1)) && gettid() != getpid()) {
		if (!__atomic_exchange_n(&said, 1, __ATOMIC_SEQ_CST)) {
			static const char m[] = "nomem: a helper thread's realloc refused\n";
			(void)!write(2, m, sizeof m - 1);
		}
		errno = ENOMEM;
		return NULL;
	}
	return real(p, n);
}
