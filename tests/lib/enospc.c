/* enospc.c: an LD_PRELOAD shim for the tests: write(2) to a regular file fails
 * with ENOSPC once ENOSPC_AFTER bytes have gone to regular files, as on a full disk. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static long long written;

ssize_t
write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);
	static long long limit = -1;
	struct stat st;

	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (limit < 0)
		limit = getenv("ENOSPC_AFTER") ? atoll(getenv("ENOSPC_AFTER")) : 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		if (written + (long long)n > limit) {
			errno = ENOSPC;
			return -1;
		}
		written += (long long)n;
	}
	return real(fd, buf, n);
}
