/* firsttouch.c: how fast this host gives a process memory none has touched lately, and memory just freed, taken again.
 * usage: firsttouch MIB   prints "FIRST AGAIN" in GB/s, then "MISS", the ns
 * a load waits that depends on the one before, at random over MIB (as the
 * rows of creators by id read creators laid out in the order they came),
 * then "PACKED SPREAD": the same 256 KiB of lines (a cache's worth, no
 * memory latency) in random order, side by side, then one line every
 * 64 KiB over MIB: what reaching a line costs when only its address is new.
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

/* one cycle through a 64-byte line every step bytes of n, in random order */
static double
chain(size_t n, size_t step)
{
	struct timespec a, b;
	size_t k = n / step, steps = 2000000;
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t *perm = malloc(k * sizeof *perm);

	if (p == MAP_FAILED || !perm || !k) {
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
		*(char **)(void *)(p + perm[i] * step) = p + perm[(i + 1) % k] * step;
	char *q = p + perm[0] * step;
	if (k <= steps)
		for (size_t i = 0; i < k; i++)
			q = *(char **)(void *)q;  /* lines that fit a cache: in it first */
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
	/* the guest's pages are huge either way (2 MiB): were the host's too,
	 * 128 TLB entries would map the spread lines over 256 MiB, and they
	 * would cost what the packed ones do */
	size_t lines = 4096;
	printf("%.2f %.2f %.0f %.1f %.1f\n", first, again, chain(n, 64), chain(lines * 64, 64),
	       chain(n < lines << 16 ? n : lines << 16, 1 << 16));
	return 0;
}
