/* test-opt.c: one option table makes getopt's array and the completions. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "opt.h"
#include "unit.h"

enum { O_AT = PPV_OPT_LONG };

static const ppv_opt table[] = {
	PPV_MODE("cut", "cut it"),
	{ "at", O_AT, "T", "a time; repeat", NULL, true },
	{ "format", 'f', "F", "the format: a or b", "a b" },
	PPV_MODE("glue", "glue it"),
	{ "output", 'o', "DIR", "where to", "@dir" },
	PPV_MODE("", NULL),
	PPV_OPT_QUIET("quiet"),
	PPV_OPT_HELP,
	PPV_OPT_END,
};

static const ppv_doc doc = { "x cut|glue", "About.", table, "Exit." };

UNIT_TEST(test_opt_getopt)
{
	char *argv[] = { "x", "-q", "--at", "5", "-fb", "file", NULL };
	int c, seen = 0;

	optind = 1;
	while ((c = ppv_getopt(6, argv, &doc, "cut")) != -1) {
		if (c == 'q')
			seen |= 1;
		if (c == O_AT && !strcmp(optarg, "5"))
			seen |= 2;
		if (c == 'f' && !strcmp(optarg, "b"))
			seen |= 4;
	}
	CHECK(seen == 7 && optind == 5);
}

UNIT_TEST(test_opt_completion)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	CHECK(ppv_doc_completion(f, &doc, "bash") == 0);
	CHECK(ppv_doc_completion(f, &doc, "fish") == -1);
	fclose(f);
	CHECK(strstr(text, "-f|--format) COMPREPLY=($(compgen -W 'a b' -- \"$cur\")); return ;;") != NULL);
	CHECK(strstr(text, "--at) return ;;") != NULL);
	CHECK(strstr(text, "opts='--at -f --format -q --quiet -h --help --version'") != NULL);
	CHECK(strstr(text, "-o|--output) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;") != NULL);
	free(text);

	f = open_memstream(&text, &len);
	CHECK(ppv_doc_completion(f, &doc, "zsh") == 0);
	fclose(f);
	CHECK(strstr(text, "'*--at[a time]:T:'") != NULL);
	CHECK(strstr(text, "'(-f --format)'{-f,--format}'[the format]:F:(a b)'") != NULL);
	CHECK(strstr(text, "'(- *)--version[the version]'") != NULL);
	free(text);
}

UNIT_TEST(test_opt_number)
{
	CHECK(ppv_opt_number("-t", "08", 0, 10) == 8);        /* decimal, not octal */
	CHECK(ppv_opt_number("--pid", "0x1ffe", 0, 0x1ffe) == 0x1ffe);
	CHECK(ppv_opt_number("-w", "100000", 2, 100000) == 100000);
}
