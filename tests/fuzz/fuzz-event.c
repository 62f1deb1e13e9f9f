/* fuzz-event.c: libFuzzer target for event rows and partial lines: any accepted row survives the trip through a partial unchanged; any line a merge reads is classified and parsed in bounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "earn.h"
#include "partial.h"
#include "money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[512];
	const char *f[10];
	char *p = text;
	ppv_event v, w;

	memcpy(text, data, size);
	text[size] = '\0';
	{
		/* the input as one line of a partial, as --merge reads it */
		char *line = strdup(text), *g[PPV_PARTIAL_MAXF], cur[4];
		const char *tag = "ppv2.00000000";  /* the seeds' */
		int nf = ppv_partial_split(line, g, PPV_PARTIAL_MAXF);
		const char *id, *country;
		int64_t day, sums[PPV_PARTIAL_NSUMS];
		uint64_t cnt, k[PPV_PARTIAL_NCOUNTS];
		__int128 cpm;
		ppv_event pe;
		switch (nf > 0 ? ppv_partial_kind(g, nf, tag, err, sizeof err) : -1) {
		case PPV_PARTIAL_EVENT: (void)ppv_event_unpartial(&pe, g, err, sizeof err); break;
		case PPV_PARTIAL_IMP: (void)ppv_partial_unimp(g, &id, &day, &country, &cpm, &cnt); break;
		case PPV_PARTIAL_COUNTS: (void)ppv_partial_uncounts(g, k); break;
		case PPV_PARTIAL_RESULT: (void)ppv_partial_unresult(g, &id, cur, &cnt, sums); break;
		}
		free(line);
	}
	/* the fields of a row, comma-separated (libcsv's own quoting is not ours to fuzz) */
	for (int i = 0; i < 10; i++) {
		f[i] = p;
		if (p && (p = strchr(p, ',')))
			*p++ = '\0';
		if (!f[i])
			f[i] = "";
	}
	if (ppv_event_parse(&v, f, err, sizeof err) == 0) {
		char money[32];
		ppv_money_format(v.amount, ppv_currency_exp(v.cur), money);
		int64_t back;
		if (ppv_money_parse(money, strlen(money), ppv_currency_exp(v.cur), &back) || back != v.amount)
			abort();
		char *line = NULL, *g[12];
		size_t n = 0;
		FILE *m = open_memstream(&line, &n);
		ppv_event_partial(m, "ppv2.0badcafe", &v);
		fclose(m);
		if (!n || line[n - 1] != '\n' || memchr(line, '\n', n - 1))
			abort();  /* one record, one line, whatever the fields hold */
		line[n - 1] = '\0';
		int k = 0;
		for (char *q = line; k < 12; k++) {
			g[k] = q;
			if (!(q = strchr(q, '\t')))
				break;
			*q++ = '\0';
		}
		if (k + 1 != 12 || strcmp(g[1], "ppv2.0badcafe") || ppv_event_unpartial(&w, g, err, sizeof err))
			abort();
		if (strcmp(v.id, w.id) || strcmp(v.creator, w.creator) || strcmp(v.country, w.country) ||
		    strcmp(v.platform, w.platform) || strcmp(v.ref, w.ref) || v.t != w.t || v.amount != w.amount ||
		    v.kind != w.kind || strcmp(v.cur, w.cur) || v.body != w.body)
			abort();
		free(line);
	}
	free(text);
	return 0;
}
