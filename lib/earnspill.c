/* earnspill.c: ppv-earnings past --memory: events in partitions by event_id on disk, each applied in turn, refunds with their sale's partition. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"
#include "earnint.h"
#include "evread.h"

/* Two files a partition stay open to the end: a generous descriptor limit
 * is raised to, not assumed. */
enum { MINPARTS = 4, MAXPARTS = 256 };

/* A file no one else can see, without a name (O_TMPFILE), so it is gone
 * when the run ends, however it ends (SIGKILL included); where the file
 * system cannot, unlinked at once. */
static FILE *
anon(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		ppv_die(PPV_ERR, "--memory: %s:", dir);
	if (fd < 0) {
		snprintf(path, sizeof path, "%s/ppv-earnings-spill.XXXXXX", dir);
		if ((fd = mkstemp(path)) < 0)
			ppv_die(PPV_ERR, "--memory: %s:", path);
		unlink(path);
	}
	FILE *f = fdopen(fd, "w+");
	if (!f)
		ppv_die(PPV_ERR, "--memory: %s:", dir);
	return f;
}

static void
check(FILE *f)
{
	if (ferror(f))
		ppv_die(PPV_ERR, "--memory: a partition on disk:");
}

void
ppv_earn_spill_begin(ppv_earn *e, uint64_t events)
{
	/* a partition's table about half the bound: the refunds and the slots
	 * of the second pass need their room too */
	uint64_t n = events ? (events * 31 * 2 + e->cfg.memory - 1) / e->cfg.memory : MAXPARTS;
	struct rlimit r;

	e->nparts = (unsigned)(n < MINPARTS ? MINPARTS : n > MAXPARTS ? MAXPARTS : n);
	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
	e->parts = ppv_xrealloc(NULL, e->nparts * sizeof *e->parts);
	e->refs = ppv_xrealloc(NULL, e->nparts * sizeof *e->refs);
	e->sales = ppv_xrealloc(NULL, e->nparts * sizeof *e->sales);
	e->nput = ppv_xrealloc(NULL, e->nparts * sizeof *e->nput);
	memset(e->nput, 0, e->nparts * sizeof *e->nput);
	for (unsigned i = 0; i < e->nparts; i++) {
		e->parts[i] = anon();
		e->refs[i] = anon();
		e->sales[i] = NULL;
	}
	e->spill = 1;
}

/* Bytes with NUL, %, tab and line breaks as %XX, for a field of a line. */
static void
put_bytes(FILE *f, const char *s, size_t n)
{
	size_t from = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!c || c == '%' || c == '\t' || c == '\n' || c == '\r') {
			fwrite(s + from, 1, i - from, f);
			fprintf(f, "%%%02X", c);
			from = i + 1;
		}
	}
	fwrite(s + from, 1, n - from, f);
	putc('\t', f);
}

void
ppv_earn_spill_put(ppv_earn *e, const ppv_event *v, uint64_t id_fp)
{
	FILE *f = e->parts[id_fp % e->nparts];

	e->nput[id_fp % e->nparts]++;
	fprintf(f, "%zu\t%ld\t%016" PRIx64 "\t", ppv_earn_file_index(e), e->line, id_fp);
	put_bytes(f, e->raw ? e->raw : "", e->raw ? e->rawlen : 0);
	ppv_event_partial(f, "-", v);
	check(f);
}

/* A line's fields: the file, line and fingerprint, the row's raw fields, the event. */
enum { NF = 4 + 12 };

static void
part_apply(ppv_earn *e, unsigned p)
{
	FILE *f = e->parts[p];
	char *line = NULL, *fl[NF + 1], err[256];
	size_t cap = 0;
	ssize_t n;

	if (fflush(f) || fseeko(f, 0, SEEK_SET))
		ppv_die(PPV_ERR, "--memory: a partition on disk:");
	ppv_evindex_free(&e->ix);
	ppv_evindex_init(&e->ix);
	ppv_evindex_reserve(&e->ix, e->nput[p]);
	while ((n = getline(&line, &cap, f)) > 0) {
		unsigned long long fi, fp;
		long ln;
		ppv_event v;
		line[n - 1] = 0;
		if (ppv_partial_split(line, fl, NF + 1) != NF || sscanf(fl[0], "%llu", &fi) != 1 || fi >= e->nfiles ||
		    sscanf(fl[1], "%ld", &ln) != 1 || sscanf(fl[2], "%llx", &fp) != 1 ||
		    ppv_event_unpartial(&v, fl + 4, err, sizeof err))
			ppv_die(PPV_ERR, "--memory: a partition on disk is not as written");
		e->file = e->files[fi];
		e->line = ln;
		e->id_fp = fp;
		e->rawlen = ppv_partial_unescape(fl[3]);
		e->raw = e->rawlen ? fl[3] : NULL;
		ppv_earn_process(e, &v);
		e->raw = NULL;
	}
	check(f);
	fclose(f);
	e->parts[p] = NULL;
	free(line);

	/* its refunds to their sales' partitions; its events' slots for them */
	for (size_t i = 0; i < e->npend; i++) {
		const struct pending *q = &e->pend[i];
		FILE *r = e->refs[ppv_evread_fp(q->ref, strlen(q->ref)) % e->nparts];
		size_t fi;
		for (fi = 0; fi < e->nfiles && e->files[fi] != q->file; fi++)
			;
		fprintf(r, "%zu\t%ld\t%lld\t%lld\t%d\t%u\t", fi, q->line, (long long)q->t, (long long)q->amount, q->kind,
		        q->cur);
		ppv_partial_put(r, q->country, 0);
		ppv_partial_put(r, q->id, 0);
		ppv_partial_put(r, q->ref, 0);
		ppv_partial_put(r, q->creator, 1);
		check(r);
		free(q->id);
	}
	e->npend = 0;
	FILE *s = e->sales[p] = anon();
	for (size_t i = 0; i < e->ix.n; i++)
		if (e->ix.slot[i].id && fwrite(&e->ix.slot[i], sizeof e->ix.slot[i], 1, s) != 1)
			ppv_die(PPV_ERR, "--memory: a partition on disk:");
}

/* A partition's refunds against its events: the refunds of a sale meet it here. */
static size_t
refunds_apply(ppv_earn *e, unsigned p)
{
	FILE *s = e->sales[p], *r = e->refs[p];
	ppv_evslot slot;
	char *line = NULL, *fl[11];
	size_t cap = 0;
	ssize_t n;

	if (fflush(s) || fseeko(s, 0, SEEK_SET) || fflush(r) || fseeko(r, 0, SEEK_SET))
		ppv_die(PPV_ERR, "--memory: a partition on disk:");
	ppv_evindex_free(&e->ix);
	ppv_evindex_init(&e->ix);
	/* sized first: slots come in the order of another table, which would
	 * pile up in a table that grows as they come */
	if (fseeko(s, 0, SEEK_END))
		ppv_die(PPV_ERR, "--memory: a partition on disk:");
	ppv_evindex_reserve(&e->ix, (uint64_t)ftello(s) / sizeof slot);
	rewind(s);
	while (fread(&slot, sizeof slot, 1, s) == 1)
		*ppv_evindex_insert(&e->ix, slot.id) = slot;
	check(s);
	while ((n = getline(&line, &cap, r)) > 0) {
		unsigned long long fi;
		long ln;
		long long t, amount;
		int kind;
		unsigned cur;
		line[n - 1] = 0;
		if (ppv_partial_split(line, fl, 11) != 10 || sscanf(fl[0], "%llu", &fi) != 1 || fi >= e->nfiles ||
		    sscanf(fl[1], "%ld", &ln) != 1 || sscanf(fl[2], "%lld", &t) != 1 ||
		    sscanf(fl[3], "%lld", &amount) != 1 || sscanf(fl[4], "%d", &kind) != 1 ||
		    sscanf(fl[5], "%u", &cur) != 1 || cur >= (unsigned)e->ncur)
			ppv_die(PPV_ERR, "--memory: a partition on disk is not as written");
		for (int i = 6; i < 10; i++)
			ppv_partial_unescape(fl[i]);
		if (e->npend == e->pendcap) {
			e->pendcap = e->pendcap ? 2 * e->pendcap : 256;
			e->pend = ppv_xrealloc(e->pend, e->pendcap * sizeof *e->pend);
		}
		struct pending *q = &e->pend[e->npend++];
		size_t a = strlen(fl[7]) + 1, b = strlen(fl[8]) + 1, c = strlen(fl[9]) + 1;
		q->id = ppv_xrealloc(NULL, a + b + c);
		q->ref = memcpy(q->id + a, fl[8], b);
		q->creator = memcpy(q->ref + b, fl[9], c);
		memcpy(q->id, fl[7], a);
		q->file = e->files[fi];
		q->line = ln;
		q->t = t, q->amount = amount, q->kind = kind, q->cur = (uint8_t)cur;
		snprintf(q->country, sizeof q->country, "%s", fl[6]);
	}
	check(r);
	free(line);
	fclose(s), fclose(r);
	e->sales[p] = e->refs[p] = NULL;
	size_t unmatched = ppv_earn_refunds(e);
	for (size_t i = 0; i < e->npend; i++)
		free(e->pend[i].id);
	e->npend = 0;
	return unmatched;
}

size_t
ppv_earn_spill_run(ppv_earn *e)
{
	size_t unmatched = 0;

	for (unsigned p = 0; p < e->nparts; p++)
		part_apply(e, p);
	for (unsigned p = 0; p < e->nparts; p++)
		unmatched += refunds_apply(e, p);
	ppv_evindex_free(&e->ix);
	ppv_evindex_init(&e->ix);
	free(e->parts), free(e->refs), free(e->sales), free(e->nput);
	e->nput = NULL;
	e->parts = e->refs = e->sales = NULL;
	e->spill = 0;
	return unmatched;
}
