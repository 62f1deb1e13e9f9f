/* earnpart.c: ppv-earnings' partials: a mapper's events, a reducer's creator months, merged in any split and order. */
#include <string.h>

#include "cli.h"
#include "earnint.h"
#include "input.h"

static void
counts_put(ppv_earn *e, int mapper)
{
	const ppv_earn_counts *k = &e->k;
	/* a mapper's impressions are counted where its I lines are merged */
	uint64_t v[PPV_PARTIAL_NCOUNTS] = { k->read, k->rejected, k->duplicate, k->outside, k->used,
	                                    mapper ? 0 : k->impressions, k->unmatched_refunds };
	ppv_partial_counts(e->partial, e->tag, v);
}

/* A mapper's end: the impressions' exact sums, then the counts. */
void
ppv_earn_partial_end(ppv_earn *e)
{
	for (size_t i = 0; i < e->nimp; i++) {
		const struct imp *m = &e->imp[i];
		ppv_partial_imp(e->partial, e->tag, m->c->o.id, m->day, m->country, m->cpm, m->n);
	}
	counts_put(e, 1);
}

/* A reducer's end: each creator's month whole, for the final merge. */
void
ppv_earn_results_put(ppv_earn *e)
{
	for (size_t i = 0; i < e->ncr; i++) {
		const ppv_earner *o = &e->cr[i]->o;
		if (!o->events || !o->currency)
			continue;
		int64_t v[PPV_PARTIAL_NSUMS];
		memcpy(v, ppv_earn_kinds_of(e->cr[i]), K_NKINDS * sizeof *v);
		const int64_t t[] = { o->gross, o->refunds, o->store, o->platform, o->withholding, o->net };
		memcpy(v + K_NKINDS, t, sizeof t);
		ppv_partial_result(e->partial, e->tag, o->id, o->currency, o->events, v);
	}
	counts_put(e, 0);
}

/* One creator's month from a reducer: added whole, once. */
static void
result_merge(ppv_earn *e, char **f)
{
	const char *id;
	char cur[4];
	uint64_t events;
	int64_t v[PPV_PARTIAL_NSUMS];

	if (ppv_partial_unresult(f, &id, cur, &events, v))
		ppv_die(PPV_ERR, "%s:%ld: a bad result line", e->file, e->line);
	struct creator *k = ppv_earn_creator_for(e, id, 0, cur);
	if (!k)
		return;
	if (strcmp(k->o.currency, cur))
		ppv_die(PPV_ERR, "%s:%ld: creator '%s' paid in %s by a reducer and in %s here: the reducers "
		        "need the same --creators", e->file, e->line, id, cur, k->o.currency);
	if (k->reduced)
		ppv_die(PPV_ERR, "%s:%ld: creator '%s' comes from two reducers: a partitioner must send all "
		        "the lines of a key to one", e->file, e->line, id);
	k->reduced = 1;
	for (int i = 0; i < K_NKINDS; i++) {
		if (e->idoff && ppv_add(&ppv_earn_kinds_of(k)[i], v[i]))
			ppv_earn_overflow(e, k);
		e->kinds[k->cur][i] += v[i];
	}
	int64_t *t[] = { &k->o.gross, &k->o.refunds, &k->o.store, &k->o.platform, &k->o.withholding, &k->o.net };
	for (int i = 0; i < 6; i++)
		if (ppv_add(t[i], v[K_NKINDS + i]))
			ppv_earn_overflow(e, k);
	k->o.events += events;
}

void
ppv_earn_partials(ppv_earn *e, const char *path)
{
	ppv_input *in = ppv_input_open(path);
	char *line, *f[PPV_PARTIAL_MAXF], err[256];
	ssize_t n;

	e->file = ppv_input_name(in);
	e->csv = NULL;
	while ((n = ppv_input_line(in, &line)) >= 0) {
		e->line = ppv_input_lineno(in);
		if (n && line[n - 1] == '\r')
			line[--n] = 0;
		int nf = ppv_partial_split(line, f, PPV_PARTIAL_MAXF);
		int kind = ppv_partial_kind(f, nf, e->tag, err, sizeof err);
		if (kind < 0)
			ppv_die(PPV_ERR, "%s:%ld: %s", e->file, e->line, err);
		if (kind == PPV_PARTIAL_COUNTS) {
			uint64_t v[PPV_PARTIAL_NCOUNTS];
			if (ppv_partial_uncounts(f, v))
				ppv_die(PPV_ERR, "%s:%ld: a bad counts line", e->file, e->line);
			uint64_t *k[] = { &e->k.read, &e->k.rejected, &e->k.duplicate, &e->k.outside, &e->k.used,
			                  &e->k.impressions, &e->k.unmatched_refunds };
			for (int i = 0; i < PPV_PARTIAL_NCOUNTS; i++)
				*k[i] += v[i];
			continue;
		}
		/* a creator's month is whole in a reducer's result: its events again would count twice */
		if ((kind == PPV_PARTIAL_RESULT ? e->mapped : e->reduced))
			ppv_die(PPV_ERR, "%s:%ld: mappers' events and reducers' results in one --merge: merge the "
			        "one or the other", e->file, e->line);
		if (kind == PPV_PARTIAL_RESULT) {
			e->reduced++;
			result_merge(e, f);
		} else if (kind == PPV_PARTIAL_EVENT) {
			ppv_event v;
			e->mapped++;
			if (ppv_event_unpartial(&v, f, err, sizeof err))
				ppv_die(PPV_ERR, "%s:%ld: %s", e->file, e->line, err);
			ppv_earn_process(e, &v);
		} else {
			const char *id, *country;
			int64_t day;
			uint64_t cnt;
			__int128 cpm;
			e->mapped++;
			if (ppv_partial_unimp(f, &id, &day, &country, &cpm, &cnt))
				ppv_die(PPV_ERR, "%s:%ld: a bad impressions line", e->file, e->line);
			struct creator *k = ppv_earn_creator_for(e, id, 0, e->cfg.ad_currency);
			if (!k)
				continue;
			struct imp *m = ppv_earn_imp_of(e, k, day, country);
			m->cpm += cpm;
			m->n += cnt;
			e->k.impressions += cnt;
		}
	}
	ppv_input_close(in);
}
