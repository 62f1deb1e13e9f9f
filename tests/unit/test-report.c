/* test-report.c: the month's totals a payout currency, whether the earners' currency codes are one copy or many. */
#include <string.h>

#include "report.h"
#include "unit.h"

UNIT_TEST(test_report_totals_by_currency)
{
	/* codes as equal text in distinct buffers: a caller that does not
	 * share one copy of each still gets one total a currency */
	char usd1[] = "USD", usd2[] = "USD", eur[] = "EUR";
	ppv_earner a = { .currency = usd1, .gross = 1000, .net = 1000, .payout = 1000, .status = PPV_PAID, .exp = 2 };
	ppv_earner b = { .currency = eur, .gross = 500, .net = 500, .closing = 500, .status = PPV_HELD, .exp = 2 };
	ppv_earner c = { .currency = usd2, .gross = 250, .store = 50, .net = 200, .payout = 200, .status = PPV_PAID,
		         .exp = 2 };
	ppv_earner d = { .currency = usd1, .gross = 100, .refunds = 300, .net = -200, .closing = -200,
		         .status = PPV_NEGATIVE, .exp = 2 };
	const ppv_earner *l[] = { &a, &b, &c, &d };
	ppv_earn_cfg cfg = { .base = "USD" };
	ppv_earn_counts k = { 0 };
	ppv_report r;
	char err[256] = "";

	CHECK_INT(ppv_report_init(&r, "2026-10", &cfg, &k, l, 4, NULL, 0, err, sizeof err), 0);
	CHECK_STR(err, "");
	CHECK_INT((long long)r.nt, 2);
	CHECK_STR(r.t[0].cur, "EUR");  /* in code order */
	CHECK_INT((long long)r.t[0].creators, 1);
	CHECK_INT(r.t[0].closing, 500);
	CHECK_INT((long long)r.t[0].held, 1);
	CHECK_STR(r.t[1].cur, "USD");
	CHECK_INT((long long)r.t[1].creators, 3);
	CHECK_INT(r.t[1].gross, 1350);
	CHECK_INT(r.t[1].store, 50);
	CHECK_INT(r.t[1].refunds, 300);
	CHECK_INT(r.t[1].net, 1000);
	CHECK_INT(r.t[1].payout, 1200);
	CHECK_INT(r.t[1].closing, -200);
	CHECK_INT((long long)r.t[1].paid, 2);
	CHECK_INT((long long)r.t[1].negative, 1);

	/* a currency that does not reconcile is named */
	c.net = 199;
	CHECK_INT(ppv_report_init(&r, "2026-10", &cfg, &k, l, 4, NULL, 0, err, sizeof err), -1);
	CHECK_STR(err, "USD does not reconcile: a bug; nothing written");
}
