/* firsttouch.c: how fast this host gives a process memory none has touched lately, and memory just freed, taken again.
 * usage: firsttouch MIB   prints "FIRST AGAIN" in GB/s, then "MISS", the ns
 * a load waits that depends on the one before, at random over MIB (as the
 * rows of creators by id read creators laid out in the order they came).
 * Where a VM hands free pages back to its host (as virtio-balloon's free
 * page reporting does), a page the guest has not used lately is faulted in
 * by the host too: a fresh ppv-earnings run pays its per-creator memory at
 * the first rate, a machine that reuses its memory at the second. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double
touch(size_t n)
{
	struct timespec a, b;
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("firsttouch: mmap");
		exit(2);
	}
	madvise(p, n, MADV_HUGEPAGE);  /* as ppv's large tables are */
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (size_t i = 0; i < n; i += 4096)
		p[i] = 1;
	clock_gettime(CLOCK_MONOTONIC, &b);
	munmap(p, n);
	return n / ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9) / 1e9;
}

/* one cycle through every 64-byte line of n bytes, in random order */
static double
miss(size_t n)
{
	struct timespec a, b;
	size_t k = n / 64, steps = 2000000;
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t *perm = malloc(k * sizeof *perm);

	if (p == MAP_FAILED || !perm) {
		perror("firsttouch: mmap");
		exit(2);
	}
	madvise(p, n, MADV_HUGEPAGE);
	srandom(1);
	for (size_t i = 0; i < k; i++)
		perm[i] = i;
	for (size_t i = k - 1; i > 0; i--) {
		size_t j = ((size_t)random() << 31 | (size_t)random()) % (i + 1), t = perm[i];
		perm[i] = perm[j], perm[j] = t;
	}
	for (size_t i = 0; i < k; i++)
		*(char **)(void *)(p + perm[i] * 64) = p + perm[(i + 1) % k] * 64;
	char *q = p + perm[0] * 64;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (size_t i = 0; i < steps; i++)
		q = *(char **)(void *)q;
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (!q)
		abort();  /* never: q is used, so the loop is kept */
	munmap(p, n);
	free(perm);
	return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / steps;
}

int
main(int argc, char **argv)
{
	size_t n = (argc > 1 ? strtoull(argv[1], NULL, 10) : 256) << 20;
	double first = touch(n);
	double again = touch(n);
	printf("%.2f %.2f %.0f\n", first, again, miss(n));
	return 0;
}
