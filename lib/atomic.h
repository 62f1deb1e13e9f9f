/* atomic.h: replace a file all at once (temp file, fsync, rename), so readers never see half of it. */
#ifndef PPV_ATOMIC_H
#define PPV_ATOMIC_H

#include <stdio.h>
#include <sys/types.h>

typedef struct {
	char *path, *tmp;
	FILE *fp;
} ppv_atomic;

/* A stream to a temporary file beside path; NULL with errno on failure. */
FILE *ppv_atomic_open(ppv_atomic *a, const char *path, mode_t mode);
/* Flush, fsync, rename over path, fsync the directory. -1 with errno on failure,
 * in which case the temporary file is removed and path is untouched. */
int ppv_atomic_commit(ppv_atomic *a);
/* Drop the temporary file, leaving path as it was. */
void ppv_atomic_abort(ppv_atomic *a);

#endif
