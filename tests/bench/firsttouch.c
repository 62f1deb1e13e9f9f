/* firsttouch.c: how fast this host gives a process memory none has touched lately, and memory just freed, taken again.
 * usage: firsttouch MIB   prints "FIRST AGAIN" in GB/s.
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

int
main(int argc, char **argv)
{
	size_t n = (argc > 1 ? strtoull(argv[1], NULL, 10) : 256) << 20;
	double first = touch(n);
	printf("%.2f %.2f\n", first, touch(n));
	return 0;
}
