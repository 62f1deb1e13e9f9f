/* test-breaks.c: --at T[/D] breaks, numbered, sorted and checked. */
#include <stdint.h>

#include "breaks.h"
#include "unit.h"

UNIT_TEST(test_breaks)
{
	ppv_breaks b = PPV_BREAKS_INIT;
	char err[200];

	CHECK(ppv_breaks_at(&b, "10m/1m30s", 30 * 90000) == 0);
	CHECK(b.v[0].at == 600 * 90000ULL && b.v[0].duration == 90 * 90000ULL && b.v[0].event_id == 1);
	CHECK(ppv_breaks_at(&b, "60", 30 * 90000) == 0);
	CHECK(b.v[1].duration == 30 * 90000ULL && b.v[1].event_id == 2);
	CHECK(ppv_breaks_at(&b, "60/0", 1) == -1);
	CHECK(ppv_breaks_at(&b, "soon", 1) == -1);
	CHECK(ppv_breaks_at(&b, "1/2/3", 1) == -1);
	ppv_breaks_number_from(&b, 0);
	CHECK(b.v[0].event_id == 0 && b.v[1].event_id == 1 && b.next_id == 2);
	CHECK(ppv_breaks_check(&b, err, sizeof err) == 0);
	CHECK(b.v[0].at == 60 * 90000ULL);  /* sorted */
	CHECK(ppv_breaks_at(&b, "620", 30 * 90000) == 0);
	CHECK(ppv_breaks_check(&b, err, sizeof err) == -1);
	CHECK_STR(err, "the break at 620.000000s overlaps the one at 600.000000s");
	ppv_breaks_free(&b);
	CHECK(b.n == 0 && b.v == NULL);

	/* open breaks (as long as the ads) never overlap */
	CHECK(ppv_breaks_at(&b, "10", PPV_BREAK_OPEN) == 0 && ppv_breaks_at(&b, "11", PPV_BREAK_OPEN) == 0);
	CHECK(ppv_breaks_check(&b, err, sizeof err) == 0);
	ppv_breaks_free(&b);
}
