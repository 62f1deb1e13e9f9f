/* opt.c: one option table a binary: getopt_long's array, --help, the usage shown on misuse and the shell completions all come from it. */
#include "opt.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAXOPT 96

/* Whether the i-th entry is one of mode's options: those after its heading
 * and those after a heading named "" (every mode's). */
static bool
of_mode(const ppv_opt *t, size_t i, const char *mode)
{
	const char *cur = "";

	for (size_t k = 0; k < i; k++)
		if (!t[k].name)
			cur = t[k].arg;
	return t[i].name && (!*cur || !mode || !strcmp(cur, mode));
}

static bool
is_end(const ppv_opt *o)
{
	return !o->name && !o->arg;
}

int
ppv_getopt(int argc, char **argv, const ppv_doc *d, const char *mode)
{
	static const ppv_doc *built;
	static const char *built_mode;
	static struct option lo[MAXOPT + 1];
	static char so[2 * MAXOPT + 1];

	if (built != d || built_mode != mode) {
		size_t n = 0, s = 0;
		for (size_t i = 0; !is_end(&d->opts[i]); i++) {
			const ppv_opt *o = &d->opts[i];
			if (!of_mode(d->opts, i, mode))
				continue;
			if (n == MAXOPT)
				ppv_die(PPV_ERR, "an option table of over %d options", MAXOPT);
			lo[n++] = (struct option){ o->name, o->arg ? required_argument : no_argument, NULL, o->key };
			if (o->key < PPV_OPT_VERSION) {
				so[s++] = (char)o->key;
				if (o->arg)
					so[s++] = ':';
			}
		}
		lo[n] = (struct option){ 0 };
		so[s] = '\0';
		built = d, built_mode = mode;
	}
	int c = getopt_long(argc, argv, so, lo, NULL);
	if (c == 'h')
		ppv_doc_help(d);
	if (c == PPV_OPT_VERSION)
		ppv_version();
	if (c == '?')
		ppv_doc_usage(d);
	return c;
}

long
ppv_opt_number(const char *opt, const char *s, long min, long max)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	char *end;

	errno = 0;
	long v = strtol(s, &end, hex ? 16 : 10);
	/* strtol would also take blanks and a + before the digits */
	if (errno || !(isdigit((unsigned char)*s) || *s == '-') || *end || v < min || v > max)
		ppv_die(PPV_ERR, "%s: '%s' is not a number from %ld to %ld", opt, s, min, max);
	return v;
}

void
ppv_doc_usage(const ppv_doc *d)
{
	fprintf(stderr, "usage: %s\nTry '%s --help' for more.\n", d->usage, ppv_prog);
	exit(PPV_ERR);
}

/* Lines of text after the first, each indented by ind spaces. */
static void
put_lines(const char *text, int ind)
{
	for (const char *p = text; *p; p++) {
		putchar(*p);
		if (*p == '\n' && p[1])
			printf("%*s", ind, "");
	}
	putchar('\n');
}

void
ppv_doc_help(const ppv_doc *d)
{
	printf("usage: %s\n\n%s\n\n", d->usage, d->about);
	for (const ppv_opt *o = d->opts; !is_end(o); o++) {
		if (!o->name) {
			if (*o->arg) {
				printf("%-8s ", o->arg);
				put_lines(o->help, 9);
			}
			continue;
		}
		char left[64];
		int n = o->key < PPV_OPT_VERSION ? snprintf(left, sizeof left, "  -%c, --%s", o->key, o->name)
						 : snprintf(left, sizeof left, "      --%s", o->name);
		if (o->arg)
			snprintf(left + n, sizeof left - (size_t)n, " %s", o->arg);
		if (strlen(left) > 24)
			printf("%s\n%25s", left, "");
		else
			printf("%-24s ", left);
		put_lines(o->help, 25);
	}
	printf("\n%s\n", d->footer);
	ppv_exit(PPV_OK);
}

/* completions ------------------------------------------------------------ */

static size_t
count_modes(const ppv_doc *d)
{
	size_t n = 0;

	for (const ppv_opt *o = d->opts; !is_end(o); o++)
		n += !o->name && *o->arg;
	return n;
}

/* "-f|--format" or "--ip" */
static void
both_forms(FILE *f, const ppv_opt *o, const char *sep)
{
	if (o->key < PPV_OPT_VERSION)
		fprintf(f, "-%c%s", o->key, sep);
	fprintf(f, "--%s", o->name);
}

/* The completion of one option's argument in bash; NULL: none. */
static const char *
bash_values(const char *v, char *buf, size_t cap)
{
	if (!v || !strcmp(v, "@url"))
		return NULL;
	if (!strcmp(v, "@file"))
		return "compgen -f -- \"$cur\"";
	if (!strcmp(v, "@dir"))
		return "compgen -d -- \"$cur\"";
	if (!strcmp(v, "@command"))
		return "compgen -c -- \"$cur\"";
	if (!strcmp(v, "@zone"))
		return "cd /usr/share/zoneinfo 2>/dev/null && compgen -f -- \"$cur\"";
	if (!strcmp(v, "@month"))
		return "compgen -W \"last $(date +%Y-%m)\" -- \"$cur\"";
	snprintf(buf, cap, "compgen -W '%s' -- \"$cur\"", v);
	return buf;
}

static void
bash_mode(FILE *f, const ppv_doc *d, const char *mode, const char *ind)
{
	const ppv_opt *t = d->opts;
	char buf[512];
	bool any = false;

	/* options whose argument completes, then in one line those whose does not */
	for (int pass = 0; pass < 2; pass++) {
		const char *sep = "";
		for (size_t i = 0; !is_end(&t[i]); i++) {
			const ppv_opt *o = &t[i];
			if (!of_mode(t, i, mode) || !o->arg)
				continue;
			const char *v = bash_values(o->values, buf, sizeof buf);
			if ((pass == 0) != (v != NULL))
				continue;
			if (!any)
				fprintf(f, "%scase $prev in\n", ind);
			any = true;
			if (pass == 0) {
				fprintf(f, "%s", ind);
				both_forms(f, o, "|");
				fprintf(f, ") COMPREPLY=($(%s)); return ;;\n", v);
			} else {
				fprintf(f, "%s%s", *sep ? "" : ind, sep);
				both_forms(f, o, "|");
				sep = "|";
			}
		}
		if (pass == 1 && *sep)
			fprintf(f, ") return ;;\n");
	}
	if (any)
		fprintf(f, "%sesac\n", ind);
	fprintf(f, "%sopts='", ind);
	const char *sp = "";
	for (size_t i = 0; !is_end(&t[i]); i++) {
		if (!of_mode(t, i, mode))
			continue;
		fputs(sp, f);
		both_forms(f, &t[i], " ");
		sp = " ";
	}
	fprintf(f, "'");
}

static void
bash(FILE *f, const ppv_doc *d, const char *prog)
{
	size_t nmodes = count_modes(d);
	char fn[64];

	snprintf(fn, sizeof fn, "_%s", prog);
	for (char *p = fn; *p; p++)
		if (*p == '-')
			*p = '_';
	fprintf(f, "%s() {\n\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} opts\n", fn);
	if (nmodes) {
		fprintf(f, "\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n\t\tCOMPREPLY=($(compgen -W '");
		for (const ppv_opt *o = d->opts; !is_end(o); o++)
			if (!o->name && *o->arg)
				fprintf(f, "%s ", o->arg);
		fprintf(f, "-h --help --version' -- \"$cur\"))\n\t\treturn\n\tfi\n\tcase ${COMP_WORDS[1]} in\n");
		for (const ppv_opt *o = d->opts; !is_end(o); o++) {
			if (o->name || !*o->arg)
				continue;
			fprintf(f, "\t%s)\n", o->arg);
			bash_mode(f, d, o->arg, "\t\t");
			fprintf(f, " ;;\n");
		}
		fprintf(f, "\tesac\n");
	} else {
		bash_mode(f, d, NULL, "\t");
		fprintf(f, "\n");
	}
	fprintf(f, "\tif [[ $cur == -* ]]; then\n\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
		   "\t\treturn\n\tfi\n\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n}\ncomplete -F %s %s\n", fn, prog);
}

/* The first line of the help, to its first ';' or ':', without what is in
 * parentheses: zsh's short description; [ ] ' escaped for _arguments. */
static void
brief(FILE *f, const char *help)
{
	int depth = 0;

	for (const char *p = help; *p && *p != '\n' && *p != ';' && *p != ':'; p++) {
		if (p[0] == ' ' && p[1] == '(')
			continue;
		depth += *p == '(';
		if (depth == 0 && *p == '\'')
			fputs("'\\''", f);
		else if (depth == 0 && (*p == '[' || *p == ']'))
			fprintf(f, "\\%c", *p);
		else if (depth == 0)
			fputc(*p, f);
		depth -= *p == ')' && depth > 0;
	}
}

static void
zsh_mode(FILE *f, const ppv_doc *d, const char *mode)
{
	const ppv_opt *t = d->opts;

	fprintf(f, "_arguments -s");
	for (size_t i = 0; !is_end(&t[i]); i++) {
		const ppv_opt *o = &t[i];
		if (!of_mode(t, i, mode))
			continue;
		fprintf(f, " \\\n\t\t");
		bool sh = o->key < PPV_OPT_VERSION;
		fputc('\'', f);
		if (o->key == 'h' || o->key == PPV_OPT_VERSION)
			fprintf(f, "(- *)");
		else if (o->many)
			fprintf(f, "*");
		else if (sh)
			fprintf(f, "(-%c --%s)", o->key, o->name);
		if (sh)
			fprintf(f, "'{-%c,--%s}'[", o->key, o->name);
		else
			fprintf(f, "--%s[", o->name);
		brief(f, o->help);
		fputc(']', f);
		if (o->arg) {
			fputc(':', f);
			for (const char *p = o->arg; *p; p++)
				fprintf(f, *p == ':' ? "\\%c" : "%c", *p);
			const char *v = o->values;
			if (!v)
				fputc(':', f);
			else if (!strcmp(v, "@file"))
				fprintf(f, ":_files");
			else if (!strcmp(v, "@dir"))
				fprintf(f, ":_files -/");
			else if (!strcmp(v, "@command"))
				fprintf(f, ":_command_names -e");
			else if (!strcmp(v, "@url"))
				fprintf(f, ":_urls");
			else if (!strcmp(v, "@zone"))
				fprintf(f, ":_time_zone");
			else if (!strcmp(v, "@month"))
				fprintf(f, ":(last)");
			else
				fprintf(f, ":(%s)", v);
		}
		fputc('\'', f);
	}
	fprintf(f, " \\\n\t\t'*:file:_files'");
}

static void
zsh(FILE *f, const ppv_doc *d, const char *prog)
{
	size_t nmodes = count_modes(d);

	fprintf(f, "_%s() {\n", prog);
	if (!nmodes) {
		fprintf(f, "\t");
		zsh_mode(f, d, NULL);
		fprintf(f, "\n}\n");
		return;
	}
	fprintf(f, "\tif (( CURRENT == 2 )); then\n\t\t_values 'mode'");
	for (const ppv_opt *o = d->opts; !is_end(o); o++) {
		if (o->name || !*o->arg)
			continue;
		fprintf(f, " '%s[", o->arg);
		brief(f, o->help);
		fprintf(f, "]'");
	}
	fprintf(f, "\n\t\treturn\n\tfi\n\tcase $words[2] in\n");
	for (const ppv_opt *o = d->opts; !is_end(o); o++) {
		if (o->name || !*o->arg)
			continue;
		fprintf(f, "\t%s) ", o->arg);
		zsh_mode(f, d, o->arg);
		fprintf(f, " ;;\n");
	}
	fprintf(f, "\tesac\n}\n");
}

int
ppv_doc_completion(FILE *f, const ppv_doc *d, const char *shell)
{
	if (!strcmp(shell, "bash"))
		bash(f, d, ppv_prog);
	else if (!strcmp(shell, "zsh"))
		zsh(f, d, ppv_prog);
	else
		return -1;
	return 0;
}

void
ppv_doc_main(int argc, char **argv, const ppv_doc *d)
{
	if (argc != 3 || strcmp(argv[1], "--completion"))
		return;
	if (ppv_doc_completion(stdout, d, argv[2]) < 0)
		ppv_die(PPV_ERR, "--completion: '%s' is neither bash nor zsh", argv[2]);
	ppv_exit(PPV_OK);
}
