/* shell.h: a shell command fed through a pipe, and how it ended in words. */
#ifndef PPV_SHELL_H
#define PPV_SHELL_H

#include <stddef.h>
#include <sys/types.h>

/* Runs /bin/sh -c command with the read end of a new pipe as its standard
 * input and this process's environment; *in is the write end (close-on-exec).
 * SIGPIPE is as the shell expects it (default), whatever ours is. The pid,
 * or -1 with the reason in err. */
pid_t ppv_spawn(const char *command, int *in, char *err, size_t n);

/* A wait status as "exit status 3" or "killed by signal 9 (Killed)". */
const char *ppv_wait_words(int status, char *buf, size_t n);

#endif
