/* opt.h: one option table a binary: getopt_long's array, --help, the usage shown on misuse and the shell completions all come from it. */
#ifndef PPV_OPT_H
#define PPV_OPT_H

#include <stdbool.h>
#include <stdio.h>

/* Keys of options without a short form. */
#define PPV_OPT_LONG 256
#define PPV_OPT_VERSION 255

typedef struct {
	const char *name;           /* the long name; NULL: a mode's heading, or the end */
	int key;                    /* the short letter, or PPV_OPT_LONG + n */
	const char *arg;            /* the argument's name in --help; NULL: none */
	const char *help;           /* --help's text, lines split by \n */
	/* what completes the argument: words "a b c", or @file, @dir, @url,
	 * @zone, @month; NULL: nothing to offer */
	const char *values;
	bool many;                  /* may be given more than once */
} ppv_opt;

/* A mode's heading: the options after it, up to the next heading, are the
 * mode's; those after a heading named "" belong to every mode. */
#define PPV_MODE(name, help) { NULL, 0, name, help, NULL, false }
/* -q, -h, --version as every binary has them. */
#define PPV_OPT_QUIET(help) { "quiet", 'q', NULL, help, NULL, false }
#define PPV_OPT_HELP { "help", 'h', NULL, "this help", NULL, false }, \
	{ "version", PPV_OPT_VERSION, NULL, "the version", NULL, false }
#define PPV_OPT_END { NULL, 0, NULL, NULL, NULL, false }

typedef struct {
	const char *usage;          /* the synopsis: lines after the first start with spaces */
	const char *about;          /* --help's prose after the synopsis */
	const ppv_opt *opts;
	const char *footer;         /* --help's last paragraph */
} ppv_doc;

/* getopt_long over the options of mode (NULL: a binary without modes):
 * the next option's key, -1 at the end. --help and --version end the
 * program here, as does an unknown option (with the usage, exit 2). */
int ppv_getopt(int argc, char **argv, const ppv_doc *d, const char *mode);
_Noreturn void ppv_doc_usage(const ppv_doc *d);
/* An option's number, decimal or 0x-hex, from min to max; ends the program
 * naming opt otherwise. */
long ppv_opt_number(const char *opt, const char *s, long min, long max);
_Noreturn void ppv_doc_help(const ppv_doc *d);
/* The binary's bash or zsh completion function; -1 for another shell. */
int ppv_doc_completion(FILE *f, const ppv_doc *d, const char *shell);
/* Handles `PROG --completion SHELL`, which prints the completion and
 * exits: how completions/ is made (make completions). */
void ppv_doc_main(int argc, char **argv, const ppv_doc *d);

#endif
