/* atomic.h: replace a file all at once (temp file, fsync, rename), so readers never see half of it. */
#ifndef PPV_ATOMIC_H
#define PPV_ATOMIC_H

#include <stdio.h>
#include <sys/types.h>

typedef struct {
	char *path, *tmp;
	FILE *fp;
} ppv_atomic;

/* A stream to a temporary file beside path (.NAME.PID.XXXXXX), with the mode
 * path has when it exists, else mode less the umask; the temporary files a
 * killed run left for path are removed first. NULL with errno on failure. */
FILE *ppv_atomic_open(ppv_atomic *a, const char *path, mode_t mode);
/* Flush, fsync, rename over path, fsync the directory. -1 with errno on failure,
 * in which case the temporary file is removed and path is untouched. */
int ppv_atomic_commit(ppv_atomic *a);
/* ppv_atomic_commit in two steps, for outputs that land together or not at
 * all: finish every one (flush, fsync; -1 with errno and the temporary file
 * removed on failure), and only when all succeeded place each (rename). */
int ppv_atomic_finish(ppv_atomic *a);
int ppv_atomic_place(ppv_atomic *a);
/* Removes the temporary files beside path of runs that are no longer alive. */
void ppv_atomic_sweep(const char *path);
/* mkdir -p: every missing directory on the way to dir. */
int ppv_mkdirs(const char *dir);
/* The whole of buf as the new content of path, as open and commit would. */
int ppv_atomic_write(const char *path, const void *buf, size_t n, mode_t mode);
/* With on, commits still rename whole files into place but leave the
 * fsyncs to one ppv_atomic_sync() at the end (a batch of many files). */
void ppv_atomic_defer_sync(int on);
/* syncfs(2) of the file system the deferred commits went to. */
int ppv_atomic_sync(void);
/* Drop the temporary file, leaving path as it was. */
void ppv_atomic_abort(ppv_atomic *a);
/* In a process forked from the one writing: the temporary files are the
 * parent's, not this process's to remove when it exits or is killed. */
void ppv_atomic_forget(void);

#endif
