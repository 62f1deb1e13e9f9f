/* main.c: runs every registered lib/ unit test and ends with the `N passed, N failed` line CI reads. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "unit.h"

int unit_pass, unit_fail;

static struct {
	const char *name;
	unit_fn fn;
} tests[256];
static int ntests;

void
unit_register(const char *name, unit_fn fn)
{
	if (ntests == (int)(sizeof tests / sizeof *tests)) {
		fprintf(stderr, "unit-tests: more than %d test functions\n", ntests);
		exit(2);
	}
	tests[ntests].name = name;
	tests[ntests++].fn = fn;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
main(int argc, char **argv)
{
	ppv_init("unit-tests");
	/* in name order: the same order whatever the link order */
	qsort(tests, (size_t)ntests, sizeof *tests, by_name);
	for (int i = 0; i < ntests; i++)
		tests[i].fn();
	printf("%d passed, %d failed\n", unit_pass, unit_fail);
	return unit_fail ? 1 : 0;
}
