/* test-strsort.c: ppv_strsort orders as strcmp does, whatever the strings share: short, long, alike for eight bytes and more, equal. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strsort.h"
#include "unit.h"

struct obj {
	int tag;
	const char *name;
};

static int
by_name(const void *a, const void *b)
{
	return strcmp((*(const struct obj *const *)a)->name, (*(const struct obj *const *)b)->name);
}

/* n names from a few prefixes (none, eight bytes, 70: past where the radix
 * stops), then digits or letters of random length; some repeat */
static char **
names(size_t n, unsigned seed)
{
	static const char *pre[] = { "", "c", "creator-", "creator-x", "", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		                     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
	char **v = malloc(n * sizeof *v);

	for (size_t i = 0; v && i < n; i++) {
		seed = seed * 1103515245 + 12345;
		const char *p = pre[(seed >> 16) % 6];
		size_t len = (seed >> 8) % 12, pl = strlen(p);
		v[i] = malloc(pl + len + 1);
		if (!v[i])
			return NULL;
		memcpy(v[i], p, pl);
		for (size_t k = 0; k < len; k++) {
			seed = seed * 1103515245 + 12345;
			v[i][pl + k] = (char)((seed >> 20) % 3 ? '0' + (seed >> 24) % 10 : 'a' + (seed >> 24) % 26);
		}
		v[i][pl + len] = 0;
		if (i && (seed >> 4) % 7 == 0)
			v[i][0] = 0, strncat(v[i], v[i - 1], pl + len);
	}
	return v;
}

UNIT_TEST(test_strsort_orders_as_strcmp)
{
	static const size_t sizes[] = { 0, 1, 2, 23, 24, 25, 1000, 70000 };

	for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
		size_t n = sizes[s], m = n ? n : 1;  /* m: what malloc is asked for */
		char **v = names(m, (unsigned)s + 1);
		struct obj *o = malloc(m * sizeof *o);
		const struct obj **got = malloc(m * sizeof *got), **want = malloc(m * sizeof *want);
		CHECK(v && o && got && want);
		if (!v || !o || !got || !want)
			return;
		for (size_t i = 0; i < n; i++) {
			o[i] = (struct obj){ (int)i, v[i] };
			got[i] = want[i] = &o[i];
		}
		qsort(want, n, sizeof *want, by_name);
		ppv_strsort((const void **)got, n, offsetof(struct obj, name));
		size_t bad = n, seen = 0;
		char *mark = calloc(m, 1);
		for (size_t i = 0; i < n; i++) {
			if (strcmp(got[i]->name, want[i]->name) && bad == n)
				bad = i;
			if (mark && !mark[got[i]->tag])
				mark[got[i]->tag] = 1, seen++;
		}
		if (bad != n)
			fprintf(stderr, "%zu names: at %zu '%s', want '%s'\n", n, bad, got[bad]->name, want[bad]->name);
		CHECK_INT(bad, n);
		CHECK_INT(seen, n);  /* each object once */
		for (size_t i = 0; i < m; i++)
			free(v[i]);
		free(v), free(o), free(got), free(want), free(mark);
	}
}

/* what a job beside the sort saw of the list: each entry, read while the sort ran */
struct peek {
	const struct obj *const *l;
	size_t n;
	const struct obj **seen;
};

static void
peek(void *arg)
{
	struct peek *p = arg;

	for (size_t i = 0; i < p->n; i++)
		p->seen[i] = p->l[i];
}

UNIT_TEST(test_strsort_beside_takes_given_keys_and_leaves_the_list_to_the_job)
{
	static const size_t sizes[] = { 0, 1, 25, 70000 };

	for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
		size_t n = sizes[s], m = n ? n : 1;
		char **v = names(m, (unsigned)s + 7);
		struct obj *o = malloc(m * sizeof *o);
		const struct obj **got = malloc(m * sizeof *got), **want = malloc(m * sizeof *want),
				 **seen = malloc(m * sizeof *seen);
		uint64_t *keys = malloc(m * sizeof *keys);
		CHECK(v && o && got && want && seen && keys);
		if (!v || !o || !got || !want || !seen || !keys)
			return;
		for (size_t i = 0; i < n; i++) {
			o[i] = (struct obj){ (int)i, v[i] };
			got[i] = want[i] = &o[i];
			keys[i] = ppv_strsort_key(v[i]);
		}
		qsort(want, n, sizeof *want, by_name);
		struct peek p = { got, n, seen };
		ppv_strsort_beside((const void **)got, keys, n, offsetof(struct obj, name), peek, &p);
		size_t bad = n, moved = n;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(got[i]->name, want[i]->name) && bad == n)
				bad = i;
			if (seen[i] != &o[i] && moved == n)
				moved = i;  /* the job saw the list reordered under it */
		}
		CHECK_INT(bad, n);
		CHECK_INT(moved, n);
		for (size_t i = 0; i < m; i++)
			free(v[i]);
		free(v), free(o), free(got), free(want), free(seen), free(keys);
	}
}
