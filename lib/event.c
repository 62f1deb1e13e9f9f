/* event.c: one row of an event log checked field by field into an event in minor units. */
#include "event.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "money.h"
#include "when.h"

const char *const ppv_kind_names[K_NKINDS] = {
	"ticket", "subscription", "tip", "ad", "adjustment", "refund", "chargeback",
};

int
ppv_kind_of(const char *s)
{
	for (int k = 0; k < K_NKINDS; k++)
		if (!strcmp(s, ppv_kind_names[k]))
			return k;
	return -1;
}

int
ppv_currency_code(const char *s, char out[4])
{
	int exp = ppv_currency_exp(s);  /* -1 unless three capitals and a NUL */

	if (exp >= 0)
		memcpy(out, s, 4);
	return exp;
}

int
ppv_event_parse(ppv_event *v, const char *const f[10], char *err, size_t cap)
{
	int r;

	memset(v, 0, sizeof *v);
	v->id = f[0], v->creator = f[2], v->country = f[6], v->platform = f[8], v->ref = f[9];
	if (!*v->id)
		return ppv_errf(err, cap, "empty event_id");
	if (ppv_time_parse(f[1], &v->t))
		return ppv_errf(err, cap, "time '%s' is neither RFC 3339 nor unix seconds", f[1]);
	if (!*v->creator)
		return ppv_errf(err, cap, "empty creator_id");
	if ((v->kind = ppv_kind_of(f[3])) < 0)
		return ppv_errf(err, cap, "kind '%s' is not ticket, subscription, tip, ad, refund, chargeback or adjustment",
		                f[3]);
	int digits = ppv_currency_code(f[5], v->cur);
	if (digits < 0)
		return ppv_errf(err, cap, "'%s' is not an ISO 4217 currency", f[5]);
	if ((r = ppv_money_parse(f[4], strlen(f[4]), digits, &v->amount)) < 0)
		return ppv_errf(err, cap, r == -2 ? "amount '%s' has more digits than %s has" : "amount '%s' is not a decimal",
		                f[4], v->cur);
	if (v->amount < 0 && v->kind != K_ADJUSTMENT)
		return ppv_errf(err, cap, "amount '%s' is negative: only adjustments may be", f[4]);
	if ((v->kind == K_REFUND || v->kind == K_CHARGEBACK) && !*v->ref)
		return ppv_errf(err, cap, "a %s needs the ref_event_id of the sale it reverses", f[3]);
	if (*v->platform && strcmp(v->platform, "web") && strcmp(v->platform, "ios") && strcmp(v->platform, "android"))
		return ppv_errf(err, cap, "platform '%s' is not web, ios or android", v->platform);
	if (strlen(v->country) > 3)
		return ppv_errf(err, cap, "country '%s' is not an ISO 3166 code", v->country);
	return 0;
}
