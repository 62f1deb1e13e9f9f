/* test-shell.c: a command fed through a pipe, with SIGPIPE as a shell expects, and how it ended. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shell.h"
#include "unit.h"

static int
ended(pid_t pid)
{
	int ws;

	return waitpid(pid, &ws, 0) == pid ? ws : -1;
}

UNIT_TEST(test_shell)
{
	char err[128], why[64], path[] = "/tmp/ppv-unit-shell.XXXXXX", cmd[128], buf[16] = "";
	int fd = -1, tmp = mkstemp(path);

	CHECK(tmp >= 0);
	/* the pipe is its standard input, the environment ours */
	setenv("PPV_UNIT", "word", 1);
	snprintf(cmd, sizeof cmd, "cat > %s; printf %%s \"$PPV_UNIT\" >> %s; exit 3", path, path);
	pid_t pid = ppv_spawn(cmd, &fd, err, sizeof err);
	CHECK(pid > 0);
	CHECK(write(fd, "in:", 3) == 3);
	close(fd);
	CHECK_STR(ppv_wait_words(ended(pid), why, sizeof why), "exit status 3");
	CHECK(read(tmp, buf, sizeof buf - 1) == 7);
	CHECK_STR(buf, "in:word");
	close(tmp);
	unlink(path);
	/* ignored here, SIGPIPE is not ignored there (bit 13 of its SigIgn) */
	signal(SIGPIPE, SIG_IGN);
	pid = ppv_spawn("exit $(( 0x$(awk '/SigIgn/ { print $2 }' /proc/$$/status) >> 12 & 1 ))", &fd, err, sizeof err);
	CHECK(pid > 0);
	close(fd);
	CHECK_STR(ppv_wait_words(ended(pid), why, sizeof why), "exit status 0");
	signal(SIGPIPE, SIG_DFL);
	pid = ppv_spawn("kill -9 $$", &fd, err, sizeof err);
	close(fd);
	CHECK_STR(ppv_wait_words(ended(pid), why, sizeof why), "killed by signal 9 (Killed)");
}
