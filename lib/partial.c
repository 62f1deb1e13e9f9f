/* partial.c: the lines of a ppv-earnings partial (format 2): the creator first, as the key a partitioner routes on, and every line tagged. */
#include "partial.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "money.h"

void
ppv_partial_tag(char tag[PPV_PARTIAL_TAG], int64_t start, int64_t end, const char *base, const char *ad_currency,
                const char *rounding)
{
	char s[160];
	uint32_t h = 2166136261u;  /* FNV-1a: a check that runs agree, not a secret */

	snprintf(s, sizeof s, "start=%lld end=%lld base=%s ad_currency=%s rounding=%s", (long long)start,
	         (long long)end, base, ad_currency, rounding);
	for (const char *p = s; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	snprintf(tag, PPV_PARTIAL_TAG, "ppv%d.%08" PRIx32, PPV_PARTIAL_VERSION, h);
}

int
ppv_partial_split(char *line, char **f, int max)
{
	int n = 0;

	for (char *p = line;; p++) {
		if (n == max)
			return -1;
		f[n++] = p;
		p = strchr(p, '\t');
		if (!p)
			return n;
		*p = 0;
	}
}

int
ppv_partial_kind(char **f, int nf, const char *tag, char *err, size_t cap)
{
	static const struct {
		const char *kind;
		int fields, k;
	} kinds[] = {
		{ "E", 12, PPV_PARTIAL_EVENT },
		{ "I", 7, PPV_PARTIAL_IMP },
		{ "C", 3 + PPV_PARTIAL_NCOUNTS, PPV_PARTIAL_COUNTS },
		{ "R", 5 + PPV_PARTIAL_NSUMS, PPV_PARTIAL_RESULT },
	};
	unsigned v;
	char dot;

	if (nf >= 3 && !strncmp(f[1], "ppv", 3) && sscanf(f[1], "ppv%u%c", &v, &dot) == 2 && dot == '.') {
		if (v != PPV_PARTIAL_VERSION)
			return ppv_errf(err, cap, "a partial of format %u: this ppv-earnings reads format %d; make the "
			                "partials again with it", v, PPV_PARTIAL_VERSION);
		if (strcmp(f[1], tag))
			return ppv_errf(err, cap, "a partial of another month, base currency, ad currency or rounding");
		for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
			if (!strcmp(f[2], kinds[i].kind))
				return nf == kinds[i].fields ? kinds[i].k : ppv_errf(err, cap, "a bad partial line");
		return ppv_errf(err, cap, "a bad partial line");
	}
	/* format 1 began with a header; its lines had no tag */
	if (nf >= 1 && (!strncmp(f[0], "#ppv-earnings-partial/", 22) || (nf == 11 && !strcmp(f[0], "E")) ||
	                (nf == 6 && !strcmp(f[0], "I")) || (nf == 5 && !strcmp(f[0], "#counts"))))
		return ppv_errf(err, cap, "a partial of format 1 (an older ppv-earnings): this one reads format %d; "
		                "make the partials again with it", PPV_PARTIAL_VERSION);
	return ppv_errf(err, cap, "not a line of a ppv-earnings --partial");
}

void
ppv_partial_put(FILE *f, const char *s, int last)
{
	/* runs of plain text at once: a partial holds every event of a month */
	for (size_t n; *s; s += n) {
		n = strcspn(s, "%\t\n\r");
		fwrite(s, 1, n, f);
		if (s[n]) {
			fprintf(f, "%%%02X", (unsigned char)s[n]);
			n++;
		}
	}
	putc(last ? '\n' : '\t', f);
}

size_t
ppv_partial_unescape(char *s)
{
	char *d = s, *start = s;

	for (; *s; s++) {
		unsigned x;
		if (*s == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2]) &&
		    sscanf(s + 1, "%2x", &x) == 1) {
			*d++ = (char)x;
			s += 2;
		} else {
			*d++ = *s;
		}
	}
	*d = 0;
	return (size_t)(d - start);
}

/* A whole field as a number of its type; -1 when it is not one. */
static int
num_i64(const char *s, int64_t *v)
{
	long long x;
	char tail;

	if (sscanf(s, "%lld%c", &x, &tail) != 1)
		return -1;
	*v = x;
	return 0;
}

static int
num_u64(const char *s, uint64_t *v)
{
	unsigned long long x;
	char tail;

	if (*s == '-' || sscanf(s, "%llu%c", &x, &tail) != 1)
		return -1;
	*v = x;
	return 0;
}

void
ppv_event_partial(FILE *f, const char *tag, const ppv_event *v)
{
	ppv_partial_put(f, v->creator, 0);
	fprintf(f, "%s\tE\t", tag);
	ppv_partial_put(f, v->id, 0);
	fprintf(f, "%08x\t%s\t%lld\t%s\t%lld\t", v->body, ppv_kind_names[v->kind], (long long)v->t, v->cur,
	        (long long)v->amount);
	ppv_partial_put(f, v->country, 0);
	ppv_partial_put(f, v->platform, 0);
	ppv_partial_put(f, v->ref, 1);
}

int
ppv_event_unpartial(ppv_event *v, char **f, char *err, size_t cap)
{
	char tail;

	memset(v, 0, sizeof *v);
	for (int i = 0; i < 12; i++)
		ppv_partial_unescape(f[i]);
	v->creator = f[0], v->id = f[3], v->country = f[9], v->platform = f[10], v->ref = f[11];
	if (strcmp(f[2], "E") || sscanf(f[4], "%8x%c", &v->body, &tail) != 1 || (v->kind = ppv_kind_of(f[5])) < 0 ||
	    num_i64(f[6], &v->t) || ppv_currency_code(f[7], v->cur) < 0 || num_i64(f[8], &v->amount) || !*v->id ||
	    !*v->creator || strlen(v->country) > 3 || (v->amount < 0 && v->kind != K_ADJUSTMENT))
		return ppv_errf(err, cap, "a bad event line");
	return 0;
}

void
ppv_partial_imp(FILE *f, const char *tag, const char *creator, int64_t day, const char *country, __int128 cpm,
                uint64_t n)
{
	char b[48];

	ppv_partial_put(f, creator, 0);
	fprintf(f, "%s\tI\t%lld\t", tag, (long long)day);
	ppv_partial_put(f, country, 0);
	fprintf(f, "%s\t%llu\n", ppv_i128_format(cpm, b), (unsigned long long)n);
}

int
ppv_partial_unimp(char **f, const char **creator, int64_t *day, const char **country, __int128 *cpm, uint64_t *n)
{
	ppv_partial_unescape(f[0]);
	ppv_partial_unescape(f[4]);
	*creator = f[0], *country = f[4];
	/* a sum of cpm in thousandths of a minor unit: 36 digits fit 128 bits */
	if (!*f[0] || num_i64(f[3], day) || num_u64(f[6], n) || !*f[5] || strspn(f[5], "0123456789") != strlen(f[5]) ||
	    strlen(f[5]) > 36 || strlen(f[4]) > 3)
		return -1;
	*cpm = 0;
	for (const char *p = f[5]; *p; p++)
		*cpm = *cpm * 10 + (*p - '0');
	return 0;
}

/* The key of the counts: one line a shard, so one reducer sums them all. */
void
ppv_partial_counts(FILE *f, const char *tag, const uint64_t k[PPV_PARTIAL_NCOUNTS])
{
	fprintf(f, "#counts\t%s\tC", tag);
	for (int i = 0; i < PPV_PARTIAL_NCOUNTS; i++)
		fprintf(f, "\t%llu", (unsigned long long)k[i]);
	putc('\n', f);
}

int
ppv_partial_uncounts(char **f, uint64_t k[PPV_PARTIAL_NCOUNTS])
{
	if (strcmp(f[0], "#counts"))
		return -1;
	for (int i = 0; i < PPV_PARTIAL_NCOUNTS; i++)
		if (num_u64(f[3 + i], &k[i]))
			return -1;
	return 0;
}

void
ppv_partial_result(FILE *f, const char *tag, const char *creator, const char *cur, uint64_t events,
                   const int64_t sums[PPV_PARTIAL_NSUMS])
{
	ppv_partial_put(f, creator, 0);
	fprintf(f, "%s\tR\t%s\t%llu", tag, cur, (unsigned long long)events);
	for (int i = 0; i < PPV_PARTIAL_NSUMS; i++)
		fprintf(f, "\t%lld", (long long)sums[i]);
	putc('\n', f);
}

int
ppv_partial_unresult(char **f, const char **creator, char cur[4], uint64_t *events, int64_t sums[PPV_PARTIAL_NSUMS])
{
	ppv_partial_unescape(f[0]);
	*creator = f[0];
	if (!*f[0] || ppv_currency_code(f[3], cur) < 0 || num_u64(f[4], events))
		return -1;
	for (int i = 0; i < PPV_PARTIAL_NSUMS; i++)
		if (num_i64(f[5 + i], &sums[i]))
			return -1;
	return 0;
}
