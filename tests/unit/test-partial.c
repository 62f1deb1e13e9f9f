/* test-partial.c: partial lines keyed by creator and tagged; each kind there and back; other runs' and formats' lines refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "partial.h"
#include "unit.h"

/* What f wrote, cut at its tabs into g (the last newline gone). */
static int
cut(FILE *f, char **buf, size_t *n, char **g)
{
	fclose(f);
	(*buf)[*n - 1] = 0;
	return ppv_partial_split(*buf, g, PPV_PARTIAL_MAXF);
}

UNIT_TEST(test_partial)
{
	char tag[PPV_PARTIAL_TAG], other[PPV_PARTIAL_TAG], err[256], *buf = NULL, *g[PPV_PARTIAL_MAXF];
	size_t n = 0;

	ppv_partial_tag(tag, 1790812800, 1793491200, "USD", "USD", "half-even");
	ppv_partial_tag(other, 1790812800, 1793491200, "USD", "USD", "half-up");
	CHECK(strlen(tag) == 13 && !strncmp(tag, "ppv2.", 5) && strspn(tag + 5, "0123456789abcdef") == 8);
	CHECK(strcmp(tag, other) != 0);

	/* an event: the creator, escaped, is the key */
	ppv_event v = { .id = "e\t1", .creator = "c%1\tx", .country = "US", .platform = "web", .ref = "", .t = 1791000000,
	                .amount = 1250, .kind = K_TIP, .cur = "USD", .body = 0xcafe };
	FILE *f = open_memstream(&buf, &n);
	ppv_event_partial(f, tag, &v);
	int nf = cut(f, &buf, &n, g);
	CHECK_STR(g[0], "c%251%09x");
	CHECK(ppv_partial_kind(g, nf, tag, err, sizeof err) == PPV_PARTIAL_EVENT);
	CHECK(ppv_partial_kind(g, nf, other, err, sizeof err) == -1);
	CHECK_STR(err, "a partial of another month, base currency, ad currency or rounding");
	ppv_event w;
	CHECK(ppv_event_unpartial(&w, g, err, sizeof err) == 0);
	CHECK_STR(w.creator, "c%1\tx");
	CHECK_STR(w.id, "e\t1");
	CHECK(w.amount == 1250 && w.t == 1791000000 && w.kind == K_TIP && w.body == 0xcafe);
	free(buf), buf = NULL;

	/* impressions: 36 digits of cpm, more are refused */
	f = open_memstream(&buf, &n);
	ppv_partial_imp(f, tag, "c1", 20730, "FR", (__int128)123456789012345678 * 1000000000000000000, 7);
	nf = cut(f, &buf, &n, g);
	CHECK(ppv_partial_kind(g, nf, tag, err, sizeof err) == PPV_PARTIAL_IMP);
	const char *id, *country;
	int64_t day;
	__int128 cpm;
	uint64_t cnt;
	CHECK(ppv_partial_unimp(g, &id, &day, &country, &cpm, &cnt) == 0);
	CHECK(day == 20730 && cnt == 7 && cpm == (__int128)123456789012345678 * 1000000000000000000);
	CHECK_STR(country, "FR");
	g[5] = "1234567890123456789012345678901234567";
	CHECK(ppv_partial_unimp(g, &id, &day, &country, &cpm, &cnt) == -1);
	free(buf), buf = NULL;

	/* counts: one key for all, so one reducer sums them */
	uint64_t k[PPV_PARTIAL_NCOUNTS] = { 10, 1, 2, 3, 4, 5, 6 }, k2[PPV_PARTIAL_NCOUNTS];
	f = open_memstream(&buf, &n);
	ppv_partial_counts(f, tag, k);
	nf = cut(f, &buf, &n, g);
	CHECK_STR(g[0], "#counts");
	CHECK(ppv_partial_kind(g, nf, tag, err, sizeof err) == PPV_PARTIAL_COUNTS);
	CHECK(ppv_partial_uncounts(g, k2) == 0 && !memcmp(k, k2, sizeof k));
	g[4] = "-1";
	CHECK(ppv_partial_uncounts(g, k2) == -1);
	free(buf), buf = NULL;

	/* a creator's month */
	int64_t s[PPV_PARTIAL_NSUMS], s2[PPV_PARTIAL_NSUMS];
	for (int i = 0; i < PPV_PARTIAL_NSUMS; i++)
		s[i] = i % 2 ? -i * 1000 : INT64_MAX - i;
	f = open_memstream(&buf, &n);
	ppv_partial_result(f, tag, "ana", "JPY", 42, s);
	nf = cut(f, &buf, &n, g);
	CHECK(ppv_partial_kind(g, nf, tag, err, sizeof err) == PPV_PARTIAL_RESULT);
	char cur[4];
	uint64_t events;
	CHECK(ppv_partial_unresult(g, &id, cur, &events, s2) == 0);
	CHECK(events == 42 && !memcmp(s, s2, sizeof s));
	CHECK_STR(cur, "JPY");
	CHECK_STR(id, "ana");
	g[2] = "X";
	CHECK(ppv_partial_kind(g, nf, tag, err, sizeof err) == -1);
	CHECK_STR(err, "a bad partial line");
	free(buf), buf = NULL;

	/* format 1: a header, and lines that began with their kind */
	char l1[] = "#ppv-earnings-partial/1\tstart=1\tend=2\tbase=USD\tad_currency=USD\trounding=half-even";
	nf = ppv_partial_split(l1, g, PPV_PARTIAL_MAXF);
	CHECK(ppv_partial_kind(g, nf, tag, err, sizeof err) == -1);
	CHECK(strstr(err, "format 1") != NULL);
	char l2[] = "#counts\tread=1\trejected=0\tduplicate=0\toutside=0";
	nf = ppv_partial_split(l2, g, PPV_PARTIAL_MAXF);
	CHECK(ppv_partial_kind(g, nf, tag, err, sizeof err) == -1);
	CHECK(strstr(err, "format 1") != NULL);
	char l3[] = "ana\tppv7.00000000\tE";
	nf = ppv_partial_split(l3, g, PPV_PARTIAL_MAXF);
	CHECK(ppv_partial_kind(g, nf, tag, err, sizeof err) == -1);
	CHECK(strstr(err, "a partial of format 7") != NULL);
	char l4[] = "event_id,time,creator_id";
	nf = ppv_partial_split(l4, g, PPV_PARTIAL_MAXF);
	CHECK(ppv_partial_kind(g, nf, tag, err, sizeof err) == -1);
	CHECK_STR(err, "not a line of a ppv-earnings --partial");
	/* a % without two hex digits after it is itself, never a read past the end */
	char e1[] = "a%1", e2[] = "%", e3[] = "%41%g1";
	ppv_partial_unescape(e1);
	ppv_partial_unescape(e2);
	ppv_partial_unescape(e3);
	CHECK_STR(e1, "a%1");
	CHECK_STR(e2, "%");
	CHECK_STR(e3, "A%g1");
	char l5[] = "a\tppv2";
	nf = ppv_partial_split(l5, g, PPV_PARTIAL_MAXF);
	CHECK(ppv_partial_kind(g, nf, tag, err, sizeof err) == -1);
}
