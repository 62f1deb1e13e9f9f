/* test-pager.c: output that is not a terminal is never paged, whatever PAGER says. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pager.h"
#include "unit.h"

UNIT_TEST(test_pager)
{
	int p[2], saved = dup(STDOUT_FILENO);
	char err[128];
	ppv_pager pg = { .pid = 123 };

	fflush(stdout);
	CHECK(pipe(p) == 0);
	dup2(p[1], STDOUT_FILENO);
	setenv("PPV_PAGER", "false", 1);
	CHECK(ppv_pager_rows() == 0);
	CHECK(ppv_pager_start(&pg, 1000000, err, sizeof err) == 0);
	CHECK(pg.pid == 0);
	CHECK(ppv_pager_end(&pg, err, sizeof err) == 0);
	unsetenv("PPV_PAGER");
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(p[0]);
	close(p[1]);
}
