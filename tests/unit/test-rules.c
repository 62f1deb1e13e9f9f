/* test-rules.c: which fee and withholding row a sale meets: platforms exactly, countries and tax forms whatever their case, "*" and empty as anything. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "event.h"
#include "rules.h"
#include "unit.h"

static char *
table(const char *text)
{
	static char paths[4][32];
	static int n;
	char *path = paths[n++ % 4];

	snprintf(path, sizeof paths[0], "/tmp/ppv-rules-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

UNIT_TEST(test_rules_match)
{
	ppv_rules *r = ppv_rules_new("USD", PPV_HALF_EVEN);
	char *fees = table("fee,kind,platform,from,until,rate,fixed\n"
	                   "store,,ios,,,30,\n"
	                   "store,,android,,,15,\n"
	                   "store,tip,,,,5,\n"
	                   "platform,subscription,,,2026-10-15,0,\n"
	                   "platform,,,,,20,\n");
	char *wh = table("creator_country,buyer_country,tax_form,rate\n"
	                 "*,US,W-8BEN,15\n"
	                 "GB,*,*,10\n"
	                 "*,US,*,30\n");
	ppv_rules_fees(r, fees);
	ppv_rules_withholding(r, wh);
	int64_t oct1 = 1790812800, oct20 = oct1 + 19 * 86400;  /* 2026-10-01, 2026-10-20 */

	CHECK_INT(ppv_rules_fee(r, 1, K_TICKET, "ios", oct1), 0);
	CHECK_INT(ppv_rules_fee(r, 1, K_TICKET, "android", oct1), 1);
	/* a platform is its whole name: neither a prefix nor a longer name meets ios */
	CHECK_INT(ppv_rules_fee(r, 1, K_TICKET, "io", oct1), PPV_NOROW);
	CHECK_INT(ppv_rules_fee(r, 1, K_TICKET, "ios2", oct1), PPV_NOROW);
	CHECK_INT(ppv_rules_fee(r, 1, K_TICKET, "IOS", oct1), PPV_NOROW);
	CHECK_INT(ppv_rules_fee(r, 1, K_TICKET, "", oct1), PPV_NOROW);
	CHECK_INT(ppv_rules_fee(r, 1, K_TIP, "web", oct1), 2);
	CHECK_INT(ppv_rules_fee(r, 0, K_SUBSCRIPTION, "ios", oct1), 3);
	CHECK_INT(ppv_rules_fee(r, 0, K_SUBSCRIPTION, "ios", oct20), 4);
	CHECK_INT(ppv_rules_fee(r, 0, K_TICKET, "anything", oct1), 4);

	CHECK_INT(ppv_rules_withholding_of(r, "FR", "W-8BEN", "US"), 0);
	CHECK_INT(ppv_rules_withholding_of(r, "fr", "w-8ben", "us"), 0);
	CHECK_INT(ppv_rules_withholding_of(r, "FR", "W-8BE", "US"), 2);
	CHECK_INT(ppv_rules_withholding_of(r, "FR", "W-8BENE", "US"), 2);
	CHECK_INT(ppv_rules_withholding_of(r, "gB", "", "DE"), 1);
	CHECK_INT(ppv_rules_withholding_of(r, "G", "", "DE"), PPV_NOROW);
	CHECK_INT(ppv_rules_withholding_of(r, "GBR", "", "DE"), PPV_NOROW);
	CHECK_INT(ppv_rules_withholding_of(r, "FR", "", "U"), PPV_NOROW);
	CHECK_INT(ppv_rules_withholding_of(r, "FR", "", "*"), PPV_NOROW);
	CHECK_INT(ppv_rules_withholding_of(r, "FR", "", "Us"), 2);

	int64_t v = 0;
	CHECK_INT(ppv_rules_convert(r, 1234, 2, "USD", "USD", oct1, &v), 0);
	CHECK_INT(v, 1234);
	CHECK_INT(ppv_rules_convert(r, 1234, 2, "USD", "EUR", oct1, &v), -1);  /* no rate */

	ppv_rules_free(r);
	unlink(fees);
	unlink(wh);
}
