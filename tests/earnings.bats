#!/usr/bin/env bats
# ppv-earnings as a payout cron job uses it, checked against hand-worked
# figures and against an independent oracle in SQL (sqlite3).

load helpers

D="$BATS_TEST_DIRNAME/data/earnings"
HDR=event_id,time,creator_id,kind,amount,currency,country,viewer_id,platform,ref_event_id

creators() {
	{
		echo creator_id,name,country,currency,tax_form
		echo u1,Ulla,FR,USD,
		echo u2,Ugo,US,USD,W-8BEN
		echo j1,Jun,JP,JPY,
	} > "$T/creators.csv"
}

# The ledger's line of one event: gross,refund,store,platform,withholding,net
item() {
	awk -F, -v id="$1" '$1 == id { print $8 "," $9 "," $10 "," $11 "," $12 "," $13 }' "$T/ledger.csv"
}

# One payout row's field by column name
payout() {
	awk -F, -v who="$1" -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $1 == who { print $c[col] }' "$T/payouts.csv"
}

earn() {
	ppv-earnings -q -m 2026-10 --creators "$T/creators.csv" --fees "$D/fees.csv" --fx "$D/fx.csv" \
		--withholding "$D/withholding.csv" -o "$T/payouts.csv" --ledger "$T/ledger.csv" "$@"
}

@test "--help and --version exit 0; no month is a usage error" {
	run ppv-earnings --help
	assert_success
	assert_line --partial "usage: ppv-earnings -m MONTH"
	run ppv-earnings --version
	assert_output --regexp '^ppv-earnings \(ppv\) [0-9.]+$'
	run ppv-earnings
	assert_failure 2
	assert_line --partial "usage: ppv-earnings"
	run ppv-earnings -m 2026-13
	assert_failure 2
	assert_output "ppv-earnings: -m: '2026-13' is not YYYY-MM or 'last'"
}

@test "the subscription fee waiver ends exactly at its until date" {
	creators
	{ echo $HDR
	  echo w1,2026-10-14T23:59:59Z,u1,subscription,10.00,USD,FR,v1,web,
	  echo w2,2026-10-15T00:00:00Z,u1,subscription,10.00,USD,FR,v1,web,
	} > "$T/ev.csv"
	earn "$T/ev.csv"
	assert_equal "$(item w1)" "10.00,0.00,0.00,0.00,0.00,10.00"
	assert_equal "$(item w2)" "10.00,0.00,0.00,2.00,0.00,8.00"
}

@test "store fees come first on ios and android, the platform's on what is left, none on web" {
	creators
	{ echo $HDR
	  echo s1,2026-10-02T10:00:00Z,u1,ticket,10.00,USD,FR,v1,ios,
	  echo s2,2026-10-02T10:00:00Z,u1,ticket,10.00,USD,FR,v1,android,
	  echo s3,2026-10-02T10:00:00Z,u1,ticket,10.00,USD,FR,v1,web,
	} > "$T/ev.csv"
	earn "$T/ev.csv"
	assert_equal "$(item s1)" "10.00,0.00,3.00,1.40,0.00,5.60"
	assert_equal "$(item s2)" "10.00,0.00,1.50,1.70,0.00,6.80"
	assert_equal "$(item s3)" "10.00,0.00,0.00,2.00,0.00,8.00"
	assert_equal "$(payout u1 store_fees)" "4.50"
	assert_equal "$(payout u1 net)" "20.40"
}

@test "JPY, KWD and MAD convert at the day's rate into the payout currency, each line rounded once" {
	creators
	{ echo $HDR
	  echo x1,2026-10-03T10:00:00Z,u1,tip,1000,JPY,FR,v1,web,
	  echo x2,2026-10-03T10:00:00Z,u1,ticket,1.234,KWD,FR,v1,web,
	  echo x3,2026-10-03T10:00:00Z,u1,ticket,100.00,MAD,FR,v1,web,
	  echo x4,2026-10-03T10:00:00Z,j1,ticket,10.00,USD,FR,v1,web,
	} > "$T/ev.csv"
	earn "$T/ev.csv"
	# 1000 / 150.25 = 6.6556; 1.234 / 0.3071 = 4.0182; 100 / 10.05 = 9.9502
	assert_equal "$(item x1)" "6.66,0.00,0.00,0.30,0.00,6.36"
	assert_equal "$(item x2)" "4.02,0.00,0.00,0.80,0.00,3.22"
	assert_equal "$(item x3)" "9.95,0.00,0.00,1.99,0.00,7.96"
	# 10.00 USD * 150.25 = 1502.5 yen: a tie, to the even 1502
	assert_equal "$(item x4)" "1502,0,0,300,0,1202"
	assert_equal "$(payout u1 gross)" "20.63"
	assert_equal "$(payout j1 gross)" "1502"
	assert_equal "$(payout j1 currency)" "JPY"
}

@test "a rate from before the month's first rate day is the latest one before it (weekends)" {
	creators
	{ echo $HDR; echo x1,2026-10-31T23:00:00Z,u1,tip,1510,JPY,FR,v1,web,; } > "$T/ev.csv"
	earn "$T/ev.csv"
	assert_equal "$(item x1 | cut -d, -f1)" "10.00"
}

@test "half-even ties by default, half-up on request" {
	creators
	{ echo $HDR
	  echo t1,2026-10-03T10:00:00Z,u1,tip,1.00,USD,FR,v1,web,
	  echo t2,2026-10-03T10:00:00Z,u1,tip,3.00,USD,FR,v1,web,
	  echo t3,2026-10-03T10:00:00Z,j1,ticket,10.00,USD,FR,v1,web,
	} > "$T/ev.csv"
	earn "$T/ev.csv"
	# 4.5 % of 1.00 is 4.5 cents, of 3.00 13.5 cents
	assert_equal "$(item t1)" "1.00,0.00,0.00,0.04,0.00,0.96"
	assert_equal "$(item t2)" "3.00,0.00,0.00,0.14,0.00,2.86"
	earn --rounding half-up "$T/ev.csv"
	assert_equal "$(item t1)" "1.00,0.00,0.00,0.05,0.00,0.95"
	assert_equal "$(item t2)" "3.00,0.00,0.00,0.14,0.00,2.86"
	assert_equal "$(item t3)" "1503,0,0,301,0,1202"
}

@test "withholding by buyer country and tax form, on what the fees leave" {
	creators
	{ echo $HDR
	  echo h1,2026-10-03T10:00:00Z,u1,ticket,10.00,USD,US,v1,web,
	  echo h2,2026-10-03T10:00:00Z,u2,ticket,10.00,USD,US,v1,web,
	  echo h3,2026-10-03T10:00:00Z,u2,ticket,10.00,USD,DE,v1,web,
	} > "$T/ev.csv"
	earn "$T/ev.csv"
	assert_equal "$(item h1)" "10.00,0.00,0.00,2.00,2.40,5.60"
	assert_equal "$(item h2)" "10.00,0.00,0.00,2.00,1.20,6.80"
	assert_equal "$(item h3)" "10.00,0.00,0.00,2.00,0.00,8.00"
}

# A refund of last month's sale, a chargeback, a refund of a sale not in the input.
refunds_month() {
	creators
	{ echo $HDR
	  echo s1,2026-09-28T10:00:00Z,u1,ticket,10.00,USD,FR,v1,ios,
	  echo r1,2026-10-02T10:00:00Z,u1,refund,10.00,USD,FR,v1,ios,s1
	  echo s2,2026-10-05T10:00:00Z,u2,ticket,20.00,USD,FR,v2,web,
	  echo r2,2026-10-06T10:00:00Z,u2,chargeback,5.00,USD,FR,v2,web,s2
	  echo r3,2026-10-06T10:00:00Z,u2,refund,2.00,USD,FR,v2,web,zz
	} > "$T/ev.csv"
}

@test "refunds and chargebacks reverse the sale at its rates, also a sale of the month before" {
	refunds_month
	earn --summary "$T/sum.json" "$T/ev.csv"
	assert_equal "$(item r1)" "0.00,10.00,-3.00,-1.40,0.00,-5.60"
	assert_equal "$(item r2)" "0.00,5.00,0.00,-1.00,0.00,-4.00"
	# a sale not in the input: out of net alone, counted
	assert_equal "$(item r3)" "0.00,2.00,0.00,0.00,0.00,-2.00"
	assert_equal "$(payout u1 net)" "-5.60"
	assert_equal "$(payout u1 status)" "negative"
	assert_equal "$(payout u2 net)" "10.00"
	grep -q '"outside_month":1,"unmatched_refunds":1' "$T/sum.json"
}

@test "the summary's gross by kind of sale, per payout currency, sums to its gross" {
	refunds_month
	{ echo t1,2026-10-07T10:00:00Z,u1,tip,3.00,USD,FR,v3,web,
	  echo a1,2026-10-08T10:00:00Z,u2,adjustment,-1.50,USD,,,,
	  echo j2,2026-10-08T10:00:00Z,j1,ticket,1500,JPY,JP,v4,web,
	  echo j3,2026-10-09T10:00:00Z,j1,subscription,700,JPY,JP,v4,web,
	  echo j4,2026-10-10T10:00:00Z,j1,refund,200,JPY,JP,v4,web,j3
	} >> "$T/ev.csv"
	earn --summary "$T/sum.json" "$T/ev.csv"
	# last month's sale s1 is not this month's gross; refunds and chargebacks are the refunds
	local q='import json, sys; c = json.load(sys.stdin)["currencies"]
for k in sorted(c): print(k, *c[k]["by_kind"].values(), "gross", c[k]["gross"], "refunds", c[k]["refunds"])'
	# by_kind in its order: ticket, subscription, tip, ad, adjustment
	assert_equal "$($PY -c "$q" < "$T/sum.json")" "JPY 1500 700 0 0 0 gross 2200 refunds 200
USD 20.00 0.00 3.00 0.00 -1.50 gross 21.50 refunds 17.00"
	# the page's chart says so
	earn --format html -o "$T/report.html" "$T/ev.csv"
	assert_equal "$(grep -o 'Revenue by kind, [^<]*' "$T/report.html")" "Revenue by kind, JPY (before refunds)
Revenue by kind, USD (before refunds)"
}

@test "refunds beyond what is left of a sale are rejected, whatever the order of the rows" {
	creators
	{ echo $HDR
	  echo s2,2026-10-05T10:00:00Z,u2,ticket,20.00,USD,FR,v2,web,
	  echo r1,2026-10-06T10:00:00Z,u2,refund,15.00,USD,FR,v2,web,s2
	  echo r2,2026-10-06T11:00:00Z,u2,refund,15.00,USD,FR,v2,web,s2
	} > "$T/ev.csv"
	run earn "$T/ev.csv"
	assert_failure 2
	assert_output "ppv-earnings: $T/ev.csv:4: refund of 15.00 is more than the 5.00 left of sale 's2'"
	{ head -1 "$T/ev.csv"; tail -n +2 "$T/ev.csv" | tac; } > "$T/rev.csv"
	run earn "$T/rev.csv"
	assert_output "ppv-earnings: $T/rev.csv:2: refund of 15.00 is more than the 5.00 left of sale 's2'"
}

@test "an event seen twice counts once; one id with two different rows stops the run" {
	creators
	{ echo $HDR
	  echo d1,2026-10-03T10:00:00Z,u1,ticket,10.00,USD,FR,v1,web,
	  echo d1,2026-10-03T10:00:00Z,u1,ticket,10.00,USD,FR,v1,web,
	} > "$T/ev.csv"
	earn --summary "$T/sum.json" "$T/ev.csv"
	assert_equal "$(payout u1 gross)" "10.00"
	grep -q '"read":2,"used":1,"duplicate":1' "$T/sum.json"
	echo d1,2026-10-03T10:00:00Z,u1,ticket,11.00,USD,FR,v1,web, >> "$T/ev.csv"
	run earn "$T/ev.csv"
	assert_failure 2
	assert_output "ppv-earnings: $T/ev.csv:4: event_id 'd1' was seen before with other fields"
}

@test "a bad row at any place in the log, a reader batch's first row too, is fatal or rejected, never dropped" {
	# the reader hands rows over in batches of 4096: data rows 1, 4096, 4097, 4098 and the last
	creators
	for at in 1 4096 4097 4098 9000; do
		$PY - "$T/ev.csv" "$at" <<-'PY'
		import sys
		out, bad = open(sys.argv[1], "w"), int(sys.argv[2])
		out.write("event_id,time,creator_id,kind,amount,currency,country,viewer_id,platform,ref_event_id\n")
		for i in range(1, 9001):
		    amount = "1000.0.0" if i == bad else "1.00"
		    out.write("e%d,2026-10-03T10:00:00Z,u1,ticket,%s,USD,FR,v1,web,\n" % (i, amount))
		PY
		run earn "$T/ev.csv"
		assert_failure 2
		assert_output "ppv-earnings: $T/ev.csv:$((at + 1)): amount '1000.0.0' is not a decimal"
		earn --rejects "$T/rejects.csv" --summary "$T/sum.json" "$T/ev.csv"
		assert_equal "$(cut -d, -f2 "$T/rejects.csv" | tail -n +2)" "$((at + 1))"
		assert_equal "$(grep -o '"rejected":[0-9]*,"outside_month":[0-9]*' "$T/sum.json")" '"rejected":1,"outside_month":0'
		assert_equal "$(payout u1 gross)" "8999.00"
	done
}

@test "a NUL byte inside a field makes the row malformed, not a shorter value" {
	creators
	{ echo $HDR
	  printf 'n1,2026-10-03T10:00:00Z,u1\0 1,ticket,10.00,USD,FR,v1,web,\n'
	  printf 'n2,2026-10-03T10:00:00Z,u1,ticket,2.00\0009,USD,FR,v1,web,\n'
	  echo n3,2026-10-03T10:00:00Z,u1,ticket,1.00,USD,FR,v1,web,
	} > "$T/ev.csv"
	run earn "$T/ev.csv"
	assert_failure 2
	assert_output "ppv-earnings: $T/ev.csv:2: field 3 holds a NUL byte"
	earn --rejects "$T/rejects.csv" "$T/ev.csv"
	assert_equal "$(payout u1 gross)" "1.00"
	run cut -d, -f2,3 "$T/rejects.csv"
	assert_output "line,error
2,field 3 holds a NUL byte
3,field 5 holds a NUL byte"
	assert_equal "$(sed -n 3p "$T/rejects.csv" | cut -d, -f4-)" '"n2,2026-10-03T10:00:00Z,u1,ticket,2.00\09,USD,FR,v1,web,"'
}

@test "the same event logged twice with cosmetic differences counts once; a real conflict can be rejected" {
	creators
	{ echo $HDR,note
	  echo d1,2026-10-03T10:00:00Z,u1,ticket,12.5,USD,FR,v1,web,,
	  echo d1,1791021600,u1,ticket,12.50,USD,FR,v1,web,,
	  echo d1,2026-10-03T10:00:00+00:00,u1,ticket,12.50,USD,FR,v1,web,,from the retry queue
	  echo d2,2026-10-03T10:00:00Z,u1,ticket,1.00,USD,FR,v1,web,,
	  echo d2,2026-10-03T10:00:00Z,u1,ticket,2.00,USD,FR,v1,web,,
	} > "$T/ev.csv"
	run earn "$T/ev.csv"
	assert_failure 2
	assert_output "ppv-earnings: $T/ev.csv:6: event_id 'd2' was seen before with other fields"
	earn --rejects "$T/rejects.csv" --summary "$T/sum.json" "$T/ev.csv"
	assert_equal "$(payout u1 gross)" "13.50"
	grep -q '"read":5,"used":2,"duplicate":2,"rejected":1' "$T/sum.json"
	assert_equal "$(tail -n +2 "$T/rejects.csv")" "$T/ev.csv,6,event_id 'd2' was seen before with other fields,\"d2,2026-10-03T10:00:00Z,u1,ticket,2.00,USD,FR,v1,web,,\""
}

@test "totals that overflow 64 bits stop the run with the creator and currency, never wrap" {
	creators
	{ echo $HDR
	  for i in $(seq 12); do echo "o$i,2026-10-03T10:00:00Z,u1,adjustment,9000000000000000.00,USD,,,,"; done
	} > "$T/ev.csv"
	run earn "$T/ev.csv"
	assert_failure 2
	assert_output "ppv-earnings: $T/ev.csv:12: creator 'u1': the month's USD amounts overflow a 64-bit total"
	[ ! -e "$T/payouts.csv" ]
	# each creator's month fits, the currency's total does not
	echo u3,Uma,FR,USD, >> "$T/creators.csv"
	{ echo $HDR
	  for i in 1 2 3; do echo "p$i,2026-10-03T10:00:00Z,u$i,adjustment,40000000000000000.00,USD,,,,"; done
	} > "$T/ev.csv"
	run earn "$T/ev.csv"
	assert_failure 2
	assert_output "ppv-earnings: the month's USD totals overflow a 64-bit total (at creator 'u3')"
	[ ! -e "$T/payouts.csv" ]
	# each currency's total fits, their sales together in the base currency do not (their net does)
	printf 'e1,Eve,FR,EUR,\ne2,Ed,FR,EUR,\n' >> "$T/creators.csv"
	{ echo $HDR
	  for c in u1 u3 e1 e2; do
		echo "q$c,2026-10-03T10:00:00Z,$c,ticket,25000000000000000.00,$([ ${c#e} = $c ] && echo USD || echo EUR),FR,v1,web,"
	  done
	} > "$T/ev.csv"
	run earn "$T/ev.csv"
	assert_failure 2
	assert_output "ppv-earnings: the month's totals in USD overflow a 64-bit total"
	[ ! -e "$T/payouts.csv" ]
}

@test "a malformed row stops the run with file:line, or goes to --rejects and is counted" {
	creators
	{ echo $HDR
	  echo m1,2026-10-03T10:00:00Z,u1,ticket,10.00,USD,FR,v1,web,
	  echo 'm2,2026-10-03T10:00:00Z,u1,ticket,"12,50",USD,FR,v1,web,'
	  echo m3,2026-10-03T10:00:00Z,j1,ticket,10.5,JPY,FR,v1,web,
	  echo m4,yesterday,u1,ticket,1.00,USD,FR,v1,web,
	  echo m5,2026-10-03T10:00:00Z,u1,gift,1.00,USD,FR,v1,web,
	  echo m6,2026-10-03T10:00:00Z,u1,ticket,1.00,XXX,FR,v1,web,
	  echo m7,2026-10-03T10:00:00Z,nobody,ticket,1.00,USD,FR,v1,web,
	} > "$T/ev.csv"
	run earn "$T/ev.csv"
	assert_failure 2
	assert_output "ppv-earnings: $T/ev.csv:3: amount '12,50' is not a decimal"
	[ ! -e "$T/payouts.csv" ]
	[ ! -e "$T/ledger.csv" ]
	earn --rejects "$T/rejects.csv" --summary "$T/sum.json" "$T/ev.csv"
	assert_equal "$(payout u1 gross)" "10.00"
	grep -q '"rejected":6' "$T/sum.json"
	run cut -d, -f2,3 "$T/rejects.csv"
	assert_output "line,error
3,\"amount '12
4,amount '10.5' has more digits than JPY has
5,time 'yesterday' is neither RFC 3339 nor unix seconds
6,\"kind 'gift' is not ticket
7,'XXX' is not an ISO 4217 currency
8,creator 'nobody' is not in --creators"
	grep -q '^'"$T"'/ev.csv,3,"amount .12,50. is not a decimal","m2,2026-10-03T10:00:00Z,u1,ticket,""12,50"",USD,FR,v1,web,"$' "$T/rejects.csv"
}

@test "--balances: each balance in its currency's minor units; one with more digits, or no currency, stops the run at file:line" {
	creators
	{ echo $HDR; echo b1,2026-10-03T10:00:00Z,j1,ticket,1000,JPY,JP,v1,web,; } > "$T/ev.csv"
	printf 'creator_id,currency,balance\nj1,JPY,-300\nu1,USD,2.5\n' > "$T/bal.csv"
	earn --balances "$T/bal.csv" "$T/ev.csv"
	assert_equal "$(payout j1 opening_balance)" "-300"
	assert_equal "$(payout u1 opening_balance)" "2.50"
	printf 'creator_id,currency,balance\nj1,JPY,-300\nj1,JPY,0.5\n' > "$T/bal.csv"
	run earn --balances "$T/bal.csv" "$T/ev.csv"
	assert_failure 2
	assert_output "ppv-earnings: $T/bal.csv:3: balance '0.5' is not an amount in JPY"
	printf 'creator_id,currency,balance\nj1,YEN,1\n' > "$T/bal.csv"
	run earn --balances "$T/bal.csv" "$T/ev.csv"
	assert_failure 2
	assert_output "ppv-earnings: $T/bal.csv:2: 'YEN' is not an ISO 4217 currency"
}

@test "negative and below-minimum balances carry over two months until paid" {
	creators
	{ echo $HDR
	  echo a1,2026-10-03T10:00:00Z,u1,ticket,37.50,USD,FR,v1,web,
	  echo a2,2026-10-03T10:00:00Z,u2,adjustment,-5.00,USD,,,,
	  echo b1,2026-11-03T10:00:00Z,u1,ticket,31.25,USD,FR,v1,web,
	  echo b2,2026-11-03T10:00:00Z,u2,ticket,3.75,USD,FR,v1,web,
	} > "$T/ev.csv"
	earn --min-payout 50 --closing "$T/oct.csv" "$T/ev.csv"
	assert_equal "$(payout u1 net)" "30.00"
	assert_equal "$(payout u1 status)" "held"
	assert_equal "$(payout u2 status)" "negative"
	run cat "$T/oct.csv"
	assert_output "creator_id,currency,balance
u1,USD,30.00
u2,USD,-5.00"
	ppv-earnings -q -m 2026-11 --creators "$T/creators.csv" --fees "$D/fees.csv" --min-payout 50.00 \
		--balances "$T/oct.csv" --closing "$T/nov.csv" -o "$T/payouts.csv" "$T/ev.csv"
	assert_equal "$(payout u1 opening_balance)" "30.00"
	assert_equal "$(payout u1 payout)" "55.00"
	assert_equal "$(payout u1 status)" "paid"
	assert_equal "$(payout u2 closing_balance)" "-2.00"
	assert_equal "$(payout u2 status)" "negative"
	run cat "$T/nov.csv"
	assert_output "creator_id,currency,balance
u2,USD,-2.00"
}

@test "a creator's own minimum payout wins over --min-payout; 100.00 is 100 yen" {
	{ echo creator_id,name,country,currency,tax_form,min_payout
	  echo u1,Ulla,FR,USD,,5
	  echo j1,Jun,JP,JPY,,
	} > "$T/creators.csv"
	{ echo $HDR
	  echo a1,2026-10-03T10:00:00Z,u1,ticket,10.00,USD,FR,v1,web,
	  echo a2,2026-10-03T10:00:00Z,j1,ticket,99,JPY,FR,v1,web,
	} > "$T/ev.csv"
	earn "$T/ev.csv"
	assert_equal "$(payout u1 status)" "paid"
	assert_equal "$(payout j1 net)" "79"
	assert_equal "$(payout j1 status)" "held"
}

@test "text a spreadsheet would run as a formula is neutralised" {
	{ echo creator_id,name,country,currency
	  echo 'u1,"=HYPERLINK(""http://evil"")",FR,USD'
	  echo @u2,+Ugo,FR,USD
	} > "$T/creators.csv"
	{ echo $HDR
	  echo a1,2026-10-03T10:00:00Z,u1,ticket,10.00,USD,FR,v1,web,
	  echo a2,2026-10-03T10:00:00Z,@u2,ticket,10.00,USD,FR,v1,web,
	} > "$T/ev.csv"
	ppv-earnings -q -m 2026-10 --creators "$T/creators.csv" -o "$T/payouts.csv" "$T/ev.csv"
	run cut -d, -f1,2 "$T/payouts.csv"
	assert_output "creator_id,name
'@u2,'+Ugo
u1,\"'=HYPERLINK(\"\"http://evil\"\")\""
}

@test "sqlite3 recomputes every creator's gross, refunds, fees, withholding and net to the cent" {
	$PY "$BATS_TEST_DIRNAME/lib/gen-events.py" 30000 11 > "$T/ev.csv"
	$PY -c "
print('creator_id,name,country,currency,tax_form')
for i in range(200): print(f'c{i:04d},Creator {i},{\"US\" if i % 2 == 0 else \"FR\"},USD,{\"W-8BEN\" if i % 3 == 0 else \"\"}')" > "$T/creators.csv"
	ppv-earnings -q -m 2026-10 --creators "$T/creators.csv" --fees "$D/fees.csv" --withholding "$D/withholding.csv" \
		"$T/ev.csv" | awk -F, 'NR > 1 { for (i = 4; i <= 9; i++) gsub(/\./, "", $i); print $1 "," $4+0 "," $5+0 "," $6+0 "," $7+0 "," $8+0 "," $9+0 }' > "$T/ppv.csv"
	{
		echo ".import --csv $T/ev.csv ev"
		echo ".import --csv $T/creators.csv cr"
		echo "CREATE TABLE params AS SELECT $(date -ud 2026-10-01 +%s) AS start, $(date -ud 2026-11-01 +%s) AS \"end\", $(date -ud 2026-10-15 +%s) AS waiver_end;"
		cat "$BATS_TEST_DIRNAME/lib/earnings-oracle.sql"
	} | sqlite3 | tr -d '\r' > "$T/sql.csv"
	assert_equal "$(wc -l < "$T/sql.csv")" 200
	diff "$T/sql.csv" "$T/ppv.csv"
}

@test "shuffled rows, split files and .gz give byte-identical payouts, summary and balances" {
	$PY "$BATS_TEST_DIRNAME/lib/gen-events.py" 5000 5 --currencies USD,JPY,EUR > "$T/ev.csv"
	run_all() {
		ppv-earnings -q -m 2026-10 --fees "$D/fees.csv" --fx "$D/fx.csv" --withholding "$D/withholding.csv" \
			--summary "$T/$1.json" --closing "$T/$1.close" -o "$T/$1.csv" "${@:2}"
	}
	run_all a "$T/ev.csv"
	{ head -1 "$T/ev.csv"; tail -n +2 "$T/ev.csv" | shuf --random-source=<(yes); } > "$T/shuf.csv"
	run_all b "$T/shuf.csv"
	{ head -1 "$T/shuf.csv"; sed -n '2,2000p' "$T/shuf.csv"; } | gzip > "$T/p1.csv.gz"
	{ head -1 "$T/shuf.csv"; sed -n '2001,$p' "$T/shuf.csv"; } > "$T/p2.csv"
	run_all c "$T/p1.csv.gz" "$T/p2.csv"
	gzip -c "$T/ev.csv" > "$T/ev.csv.gz"
	run_all d - < "$T/ev.csv.gz"
	for x in b c d; do
		cmp "$T/a.csv" "$T/$x.csv"
		cmp "$T/a.json" "$T/$x.json"
		cmp "$T/a.close" "$T/$x.close"
	done
	assert_num "$(wc -l < "$T/a.csv")" -gt 150
}

@test "the summary counts creators above each tier and the growth against last year's summary" {
	creators
	{ echo $HDR
	  echo a1,2025-10-03T10:00:00Z,u1,ticket,1500.00,USD,FR,v1,web,
	  echo b1,2026-10-03T10:00:00Z,u1,ticket,1500.00,USD,FR,v1,web,
	  echo b2,2026-10-03T10:00:00Z,u2,ticket,1500.00,USD,FR,v1,web,
	  echo b3,2026-10-03T10:00:00Z,j1,ticket,2000000,JPY,FR,v1,web,
	} > "$T/ev.csv"
	ppv-earnings -q -m 2025-10 --creators "$T/creators.csv" --fees "$D/fees.csv" --summary "$T/last.json" \
		-o /dev/null "$T/ev.csv"
	earn --summary "$T/sum.json" --tiers 1000,10000 --compare "$T/last.json" "$T/ev.csv"
	# 1200 + 1200 USD, and 1,600,000 yen at 151.00 yen a dollar: 10,596.03 USD
	grep -q '"tiers":{"1000":3,"10000":1}' "$T/sum.json"
	grep -q '"base_totals":{"sales":"16245.03","net":"12996.03"}' "$T/sum.json"
	grep -q '"growth":{"tiers":{"1000":"+200.0%","10000":null},"sales":"+983.0%","net":"+983.0%"}' "$T/sum.json"
	$PY -m json.tool "$T/sum.json" > /dev/null
}

@test "impressions from ppv-splice become ad revenue at the ad share" {
	creators
	echo $HDR > "$T/ev.csv"
	{ echo time,break_id,ad_id,advertiser,creator_id,viewer_id,country,cpm,duration
	  for i in 1 2 3 4; do echo 2026-10-05T10:00:0${i}Z,b1,ad1,acme,u1,v$i,FR,2500.00,15; done
	  echo 2026-10-05T10:00:00Z,b1,ad1,acme,u1,v9,FR,12.345,15
	  echo 2026-09-05T10:00:00Z,b1,ad1,acme,u1,v9,FR,99.00,15
	} > "$T/imp.csv"
	earn --impressions "$T/imp.csv" --summary "$T/sum.json" "$T/ev.csv"
	# 10,000 + 12.345 per thousand: 10.012345 USD, one line item: 10.01
	assert_equal "$(payout u1 gross)" "10.01"
	assert_equal "$(payout u1 platform_fees)" "4.50"
	assert_equal "$(payout u1 net)" "5.51"
	grep -q '"impressions":5' "$T/sum.json"
}

@test "--format table aligns the columns; json is valid and exact" {
	creators
	{ echo $HDR; echo a1,2026-10-03T10:00:00Z,u1,ticket,10.00,USD,FR,v1,web,; echo a2,2026-10-03T10:00:00Z,j1,ticket,1000,JPY,FR,v1,web,; } > "$T/ev.csv"
	run earn --format table -o - "$T/ev.csv"
	assert_line --index 0 --regexp '^creator_id  name  currency  gross  refunds'
	assert_line --index 1 --regexp '^j1          Jun   JPY        1000        0 '
	assert_line --index 2 --regexp '^u1          Ulla  USD       10.00     0.00 '
	earn --format json "$T/ev.csv"
	$PY -c 'import json,sys; r = json.load(open(sys.argv[1])); assert r[1]["net"] == "8.00", r' "$T/payouts.csv"
}

@test "outputs to /dev/stderr and /dev/null are written in place, never renamed over" {
	# a bug: --ledger /dev/stderr with stderr a file replaced the /dev/stderr link
	creators
	{ echo $HDR; echo a1,2026-10-03T10:00:00Z,u1,ticket,10.00,USD,FR,v1,web,; } > "$T/ev.csv"
	echo "before" > "$T/err"
	ppv-earnings -q -m 2026-10 --creators "$T/creators.csv" --ledger /dev/stderr --summary /dev/null \
		-o /dev/stdout "$T/ev.csv" > "$T/out" 2>> "$T/err"
	[ -L /dev/stderr ]
	[ -c /dev/null ]
	assert_equal "$(head -1 "$T/err")" before
	grep -q '^a1,2026-10-03T10:00:00Z,u1,ticket,10.00,USD,USD,10.00,' "$T/err"
	grep -q '^u1,Ulla,USD,10.00,' "$T/out"
}

@test "a replaced output keeps the mode its operator gave it; a new one is the owner's alone" {
	creators
	{ echo $HDR; echo a1,2026-10-03T10:00:00Z,u1,ticket,10.00,USD,FR,v1,web,; } > "$T/ev.csv"
	earn --summary "$T/sum.json" "$T/ev.csv"
	assert_equal "$(stat -c %a "$T/payouts.csv" "$T/ledger.csv" "$T/sum.json")" "600
600
600"
	chmod 640 "$T/payouts.csv"
	chmod 604 "$T/sum.json"
	earn --summary "$T/sum.json" "$T/ev.csv"
	assert_equal "$(stat -c %a "$T/payouts.csv" "$T/ledger.csv" "$T/sum.json")" "640
600
604"
}

@test "kill -9 mid-run leaves no payout, and the next run removes the dead run's temporary files" {
	creators
	mkfifo "$T/fifo"
	{ echo $HDR; echo a1,2026-10-03T10:00:00Z,u1,ticket,10.00,USD,FR,v1,web,; sleep 30; } > "$T/fifo" &
	writer=$!
	ppv-earnings -q -m 2026-10 --creators "$T/creators.csv" -o "$T/payouts.csv" --ledger "$T/ledger.csv" \
		--summary "$T/sum.json" "$T/fifo" &
	run_pid=$!
	for _ in $(seq 100); do ls -A "$T" | grep -q '^\.ledger\.csv\.' && break; sleep 0.1; done
	kill -9 $run_pid
	wait $run_pid || true
	# the writer's sleep; or the writer itself, still opening the fifo when
	# the run died before its reader thread opened it (bats then waited
	# forever for the writer, which holds its output)
	pkill -P $writer 2>/dev/null || true
	kill $writer 2>/dev/null || true
	assert_equal "$(ls -A "$T" | grep -c '^\.ledger\.csv\.')" 1
	[ ! -e "$T/ledger.csv" ]
	{ echo $HDR; echo a1,2026-10-03T10:00:00Z,u1,ticket,10.00,USD,FR,v1,web,; } > "$T/ev.csv"
	earn --summary "$T/sum.json" "$T/ev.csv"
	assert_equal "$(ls -A "$T" | grep -c '^\.')" 0
	assert_equal "$(payout u1 gross)" "10.00"
}

@test "a full disk leaves every output of the last good run, none of the failed one" {
	# a file system of its own, just too small for this run's payouts: a tmpfs in a mount namespace
	unshare -rm true 2> /dev/null || skip "no mount namespaces here"
	mkdir "$T/good" "$T/new" "$T/out" "$T/after"
	run1() { ppv-earnings -q -m 2026-10 --fees "$D/fees.csv" -o "$1/payouts.csv" --ledger "$1/ledger.csv" \
		--summary "$1/sum.json" --closing "$1/closing.csv" "$2"; }
	{ echo $HDR; echo a1,2026-10-03T10:00:00Z,u1,ticket,10.00,USD,FR,v1,web,; } > "$T/ev.csv"
	run1 "$T/good" "$T/ev.csv"
	# 400 creators: payouts of several pages
	{ echo $HDR
	  for i in $(seq 400); do echo "b$i,2026-10-04T10:00:00Z,creator$i,ticket,20.00,USD,FR,v1,web,"; done
	} > "$T/ev2.csv"
	run1 "$T/new" "$T/ev2.csv"
	# pages for the last run's files and this run's ledger, summary and closing; none for its payouts
	pages() { local n=0 f; for f in "$@"; do n=$((n + ($(stat -c %s "$f") + 4095) / 4096)); done; echo $n; }
	size=$((($(pages "$T"/good/*) + $(pages "$T/new/ledger.csv" "$T/new/sum.json" "$T/new/closing.csv")) * 4096))
	run unshare -rm sh -c 'd=$2; mount -t tmpfs -o size=$1 tmpfs "$d/out" && cp "$d"/good/* "$d/out/" || exit 9
		shift 2
		"$@"; rc=$?
		cp -a "$d/out/." "$d/after/"
		exit $rc' sh "$size" "$T" ppv-earnings -q -m 2026-10 --fees "$D/fees.csv" -o "$T/out/payouts.csv" \
		--ledger "$T/out/ledger.csv" --summary "$T/out/sum.json" --closing "$T/out/closing.csv" "$T/ev2.csv"
	assert_failure 2
	assert_output --regexp '^ppv-earnings: .*: No space left on device$'
	diff -r "$T/good" "$T/after"
	assert_equal "$(ls -A "$T/after" | grep -c '^\.')" 0
}

# A month of generated events and the options of a real run, for the sharded recipes.
month() {
	$PY "$BATS_TEST_DIRNAME/lib/gen-events.py" 12000 9 --currencies USD,JPY,EUR > "$T/ev.csv"
	{ echo time,break_id,ad_id,advertiser,creator_id,viewer_id,country,cpm,duration
	  for i in $(seq 40); do echo "2026-10-0$((i % 9 + 1))T10:00:00Z,b$i,ad1,acme,c00$((i % 6 * 3 + 12)),v$i,US,12.345,15"; done
	} > "$T/imp.csv"
	OPTS=(-q -m 2026-10 --fees "$D/fees.csv" --fx "$D/fx.csv" --withholding "$D/withholding.csv")
}

@test "--partial shards in any split and order --merge into the very report of one run" {
	month
	ppv-earnings "${OPTS[@]}" --impressions "$T/imp.csv" --summary "$T/one.json" --ledger "$T/one.ledger" \
		--closing "$T/one.close" -o "$T/one.csv" "$T/ev.csv"
	# shards cut across duplicates and across sales and their refunds
	tail -n +2 "$T/ev.csv" | shuf --random-source=<(yes) > "$T/rows"
	split -l 2500 "$T/rows" "$T/shard."
	for s in "$T"/shard.*; do
		{ head -1 "$T/ev.csv"; cat "$s"; } | ppv-earnings "${OPTS[@]}" --partial -o "$s.part"
	done
	ppv-earnings "${OPTS[@]}" --impressions "$T/imp.csv" --partial -o "$T/imp.part" /dev/null
	# every line keyed by its creator and tagged with the run it belongs to
	assert_equal "$(cut -f2 "$T"/*.part | sort -u | grep -Ec '^ppv2\.[0-9a-f]{8}$')" 1
	assert_equal "$(head -1 "$T/imp.part" | cut -f1,3)" "$(printf 'c0012\tI')"
	ppv-earnings "${OPTS[@]}" --merge --summary "$T/two.json" --ledger "$T/two.ledger" --closing "$T/two.close" \
		-o "$T/two.csv" $(ls -r "$T"/*.part)
	cmp "$T/one.csv" "$T/two.csv"
	cmp "$T/one.json" "$T/two.json"
	cmp "$T/one.close" "$T/two.close"
	cmp <(sort "$T/one.ledger") <(sort "$T/two.ledger")
	grep -q '"duplicate":[1-9]' "$T/one.json"
}

@test "a partial of another month or rounding, an older format's, or no partial at all is refused by the merge" {
	month
	ppv-earnings "${OPTS[@]}" --partial -o "$T/a.part" "$T/ev.csv"
	run ppv-earnings "${OPTS[@]}" --rounding half-up --merge "$T/a.part"
	assert_failure 2
	assert_output "ppv-earnings: $T/a.part:1: a partial of another month, base currency, ad currency or rounding"
	run ppv-earnings "${OPTS[@]}" --merge "$T/ev.csv"
	assert_failure 2
	assert_output "ppv-earnings: $T/ev.csv:1: not a line of a ppv-earnings --partial"
	# format 1 had a header line and untagged lines; a reducer may see either
	printf '#ppv-earnings-partial/1\tstart=1790812800\tend=1793491200\tbase=USD\tad_currency=USD\trounding=half-even\n' > "$T/old.part"
	printf 'E\te1\t0badcafe\tticket\t1791000000\tc1\tUSD\t500\tUS\tweb\t\n' > "$T/old-e.part"
	for f in old old-e; do
		run ppv-earnings "${OPTS[@]}" --merge "$T/$f.part"
		assert_failure 2
		assert_output "ppv-earnings: $T/$f.part:1: a partial of format 1 (an older ppv-earnings): this one reads format 2; make the partials again with it"
	done
	sed 's/\tppv2\./\tppv3./' "$T/a.part" > "$T/new.part"
	run ppv-earnings "${OPTS[@]}" --merge "$T/new.part"
	assert_failure 2
	assert_output "ppv-earnings: $T/new.part:1: a partial of format 3: this ppv-earnings reads format 2; make the partials again with it"
}

# Mappers over headerless splits, Hadoop's hash partitioner over their output, reducers.
mapreduce() {
	split -n l/5 ev.csv split.
	for s in split.*; do ppv-earnings "${OPTS[@]}" --partial < "$s"; done > map.out
	ppv-earnings "${OPTS[@]}" --impressions imp.csv --partial /dev/null >> map.out
	$PY "$BATS_TEST_DIRNAME/lib/hadoop-partition.py" "$1" part < map.out
}

@test "many reducers: Hadoop's hash partitioner over the mappers' keys; their payouts are one run's, a final --merge its every file" {
	month
	cd "$T"
	# a creator with only an opening balance is paid by the final merge alone
	printf 'creator_id,currency,balance\nc0012,USD,250.00\nc0013,JPY,-300\nnobody,EUR,20.00\n' > bal.csv
	ppv-earnings "${OPTS[@]}" --impressions imp.csv -o one.csv ev.csv
	ppv-earnings "${OPTS[@]}" --impressions imp.csv --balances bal.csv --summary one.json --closing one.close \
		-o one-bal.csv ev.csv
	for n in 1 3 7; do
		rm -f part.* res.*
		mapreduce "$n"
		assert_equal "$(ls part.* | wc -l)" "$n"
		# a reducer's payouts: its own creators; all of them together, one run's
		for p in part.*; do ppv-earnings "${OPTS[@]}" --merge -o "pay.${p#part.}" "$p"; done
		assert_equal "$(cat pay.* | grep -cv '^creator_id,')" "$(($(wc -l < one.csv) - 1))"
		cmp <(cat pay.* | grep -v '^creator_id,' | sort) <(tail -n +2 one.csv | sort)
		# each creator's month from the reducers, then the month's files from one final merge
		for p in part.*; do ppv-earnings "${OPTS[@]}" --merge --partial -o "res.${p#part.}" "$p"; done
		ppv-earnings "${OPTS[@]}" --balances bal.csv --summary "$n.json" --closing "$n.close" -o "$n.csv" \
			--merge res.*
		cmp one-bal.csv "$n.csv"
		cmp one.json "$n.json"
		cmp one.close "$n.close"
	done
	# seven reducers, most of which saw no counts line and no impressions
	assert_equal "$(grep -l '^#counts' part.* | wc -l)" 1
	grep -q '"duplicate":[1-9]' 7.json
	grep -q '^nobody,' 7.close
}

# The cluster of the Dask recipe, stopped after each test.
per_test_end() {
	[ -z "${DASK_PIDS:-}" ] || kill $DASK_PIDS 2>/dev/null || true
	DASK_PIDS=
}

@test "recipe: a Dask scheduler and two workers on 127.0.0.1 run the mappers and 3 reducers; the final merge is one run's" {
	month
	cd "$T"
	printf 'creator_id,currency,balance\nc0012,USD,250.00\nnobody,EUR,20.00\n' > bal.csv
	ppv-earnings "${OPTS[@]}" --impressions imp.csv --balances bal.csv --summary one.json --closing one.close \
		-o one.csv ev.csv
	# shards as a cluster's storage holds them: headerless splits, some gzip
	split -n l/4 ev.csv shard.
	gzip shard.ab
	local port
	port=$(free_port)
	# Debian's dask-scheduler and dask-worker run with /usr/bin/python3, whatever python3 is first on PATH
	dask-scheduler --host 127.0.0.1 --port "$port" --no-dashboard > sched.log 2>&1 &
	DASK_PIDS=$!
	for w in 1 2; do
		dask-worker "tcp://127.0.0.1:$port" --host 127.0.0.1 --nworkers 1 --nthreads 1 --no-dashboard \
			--local-directory "$T/w$w" > "worker$w.log" 2>&1 &
		DASK_PIDS="$DASK_PIDS $!"
	done
	run -0 "$BATS_TEST_DIRNAME/../examples/ppv-earnings-dask" --scheduler "tcp://127.0.0.1:$port" --workers 2 \
		--reducers 3 --impressions "$T/imp.csv" "$T"/shard.* -- "${OPTS[@]}" -- \
		--balances bal.csv --summary dask.json --closing dask.close -o dask.csv
	cmp one.csv dask.csv
	cmp one.json dask.json
	cmp one.close dask.close
	# a failing step's message and status come back from the worker
	run "$BATS_TEST_DIRNAME/../examples/ppv-earnings-dask" --scheduler "tcp://127.0.0.1:$port" "$T/none.csv" \
		-- "${OPTS[@]}"
	assert_failure 2
	assert_output --partial "ppv-earnings: $T/none.csv: No such file or directory"
}

@test "a final --merge refuses a creator from two reducers, and events beside reducers' results" {
	month
	cd "$T"
	mapreduce 3
	for p in part.*; do ppv-earnings "${OPTS[@]}" --merge --partial -o "res.${p#part.}" "$p"; done
	run ppv-earnings "${OPTS[@]}" --merge res.0 res.0
	assert_failure 2
	assert_output --regexp "^ppv-earnings: res.0:[0-9]+: creator 'c[0-9]+' comes from two reducers: a partitioner must send all the lines of a key to one$"
	run ppv-earnings "${OPTS[@]}" --merge res.0 part.1
	assert_failure 2
	assert_output "ppv-earnings: part.1:1: mappers' events and reducers' results in one --merge: merge the one or the other"
	run ppv-earnings "${OPTS[@]}" --merge --partial --closing x.close part.0
	assert_failure 2
	assert_output --partial "--merge --partial writes each creator's month for a final --merge"
}

@test "recipe: GNU parallel over files sharded by creator, then one merge" {
	month
	cd "$T"
	awk -F, 'NR == 1 { h = $0; next } { f = "by-creator-" substr($3, length($3)) ".csv"; if (!(f in s)) { print h > f; s[f] = 1 } print > f }' ev.csv
	assert_equal "$(ls by-creator-*.csv | wc -l)" 10
	parallel ppv-earnings "${OPTS[*]}" --partial -o {.}.part {} ::: by-creator-*.csv
	ppv-earnings "${OPTS[@]}" --merge -o parallel.csv by-creator-*.part
	ppv-earnings "${OPTS[@]}" -o one.csv ev.csv
	cmp one.csv parallel.csv
}

@test "recipe: Hadoop Streaming, run locally as Hadoop does: headerless splits | map | sort | reduce" {
	month
	cd "$T"
	# Hadoop hands each mapper a split of lines; only the first has the header
	split -n l/4 ev.csv split.
	for s in split.*; do ppv-earnings "${OPTS[@]}" --partial < "$s"; done | LC_ALL=C sort |
		ppv-earnings "${OPTS[@]}" --merge > hadoop.csv
	ppv-earnings "${OPTS[@]}" ev.csv > one.csv
	cmp one.csv hadoop.csv
	assert_not_equal "$(head -c 8 split.ab)" event_id
}

@test "--format html is one self-contained page with charts, that Chromium renders" {
	creators
	{ echo $HDR
	  echo a1,2026-10-03T10:00:00Z,u1,ticket,1234.50,USD,FR,v1,web,
	  echo a2,2026-10-03T10:00:00Z,u2,tip,10.00,USD,FR,v1,ios,
	  echo a3,2026-10-03T10:00:00Z,j1,subscription,1000,JPY,FR,v1,web,
	} > "$T/ev.csv"
	sed -i 's/Ugo/<b>Ugo \& co<\/b>/' "$T/creators.csv"
	earn --format html "$T/ev.csv"
	f="$T/payouts.csv"
	# revenue by kind in each currency, top creators, tiers, the distribution
	assert_equal "$(grep -c '<svg' "$f")" 5
	grep -q '<b>987.60</b>' "$f"
	grep -q '&lt;b&gt;Ugo &amp; co&lt;/b&gt;' "$f"
	run ! grep -Eq '<script|src=|href=|@import|url\(' "$f"
	$PY -c 'import html.parser, sys; html.parser.HTMLParser().feed(open(sys.argv[1]).read())' "$f"
	cp "$f" "$T/report.html"
	timeout 60 chromium --headless=new --no-sandbox --disable-gpu --dump-dom "file://$T/report.html" 2>/dev/null |
		grep -q 'Top creators by net earnings, in USD'
}

@test "a million creators: each paid right, an HTML report under 2 MB with the distribution, a table on a terminal paged or cut to a screenful" {
	# creator i sells one ticket of (i mod 5000).(i mod 100) USD; no fees, so net is the sale
	awk 'BEGIN { print "event_id,time,creator_id,kind,amount,currency"
		for (i = 0; i < 1000000; i++) printf "e%d,%d,c%07d,ticket,%d.%02d,USD\n", i, 1790812800 + i, i, i % 5000, i % 100 }' > "$T/ev.csv"
	ppv-earnings -q -m 2026-10 -o "$T/pay.csv" "$T/ev.csv"
	assert_equal "$(wc -l < "$T/pay.csv")" 1000001
	assert_equal "$(awk -F, 'NR > 1 { i = substr($1, 2) + 0; want = sprintf("%d.%02d", i % 5000, i % 100)
		if (NF != 13 || $2 != $1 || $3 != "USD" || $4 != want || $9 != want) bad++ } END { print bad + 0 }' "$T/pay.csv")" 0
	# in order of id, each once: the rows are sorted and written in parts on both cores
	assert_equal "$(tail -n +2 "$T/pay.csv" | cut -d, -f1 | LC_ALL=C sort -c -u 2>&1)" ""
	ppv-earnings -q -m 2026-10 --format html -o "$T/report.html" "$T/ev.csv"
	size=$(stat -c %s "$T/report.html")
	(( size < 2000000 )) || fail "the report is $size bytes"
	grep -q 'Payouts: the top 1,000 of 1,000,000 creators' "$T/report.html"
	assert_equal "$(grep -c '^<tr><td>' "$T/report.html")" 1000
	# 1,000 to 10,000: 4,000 of every 5,000 creators; 100 to 1,000: 900 of them
	grep -q '>1,000 to 10,000</text><rect[^>]*/><text[^>]*>800,000</text>' "$T/report.html"
	grep -q '>100 to 1,000</text><rect[^>]*/><text[^>]*>180,000</text>' "$T/report.html"
	# the top earner first: 4999.99, the first of them by id
	assert_equal "$(grep -m1 -o '^<tr><td>c[0-9]*' "$T/report.html")" "<tr><td>c0004999"
	# the whole table is the payouts' top 1,000 by net, by id among equals (200 creators a net)
	assert_equal "$(diff <(grep -o '^<tr><td>c[0-9]*' "$T/report.html" | cut -c9-) \
		<(tail -n +2 "$T/pay.csv" | LC_ALL=C sort -t, -k9,9nr -k1,1 | head -1000 | cut -d, -f1) | head -4)" ""
	# creators met in another order (the page is made without sorting them by id): the same page
	{ head -1 "$T/ev.csv"; tail -n +2 "$T/ev.csv" | shuf --random-source=<(yes); } > "$T/shuf.csv"
	ppv-earnings -q -m 2026-10 --format html -o "$T/shuf.html" "$T/shuf.csv"
	assert_equal "$(cmp "$T/report.html" "$T/shuf.html" 2>&1)" ""
	# without a rate into the base currency for every creator, nobody is ranked: the first by id
	awk 'BEGIN { print "event_id,time,creator_id,kind,amount,currency"
		for (i = 0; i < 3000; i++) printf "e%d,%d,c%07d,ticket,%d.00,%s\n", i, 1790812800 + i, i, i % 50 + 1, i % 2 ? "USD" : "BRL" }' > "$T/two.csv"
	ppv-earnings -q -m 2026-10 --format html -o "$T/two.html" "$T/two.csv"
	assert_equal "$(grep -o '<h2>Payouts[^<]*' "$T/two.html")" "<h2>Payouts: the first 1,000 of 3,000 creators by id"
	{ head -1 "$T/two.csv"; tail -n +2 "$T/two.csv" | shuf --random-source=<(yes); } > "$T/two-shuf.csv"
	ppv-earnings -q -m 2026-10 --format html -o "$T/two-shuf.html" "$T/two-shuf.csv"
	assert_equal "$(cmp "$T/two.html" "$T/two-shuf.html" 2>&1)" ""
	head -2001 "$T/ev.csv" > "$T/small.csv"
	cd "$T"
	# a terminal of 12 rows: the user's pager gets the whole table
	script -qec "stty rows 12 cols 200; PPV_PAGER='sed s/^/PAGED:/' ppv-earnings -q -m 2026-10 small.csv" /dev/null > paged.txt
	assert_equal "$(grep -c '^PAGED:c[0-9]' paged.txt)" 2000
	# no pager installed: a screenful, and how many more
	mkdir nopager && ln -s "$(command -v ppv-earnings)" "$(command -v stty)" nopager/
	script -qec "stty rows 12 cols 200; PATH=$T/nopager ppv-earnings -m 2026-10 small.csv" /dev/null > cut.txt
	assert_equal "$(grep -c '^c[0-9]' cut.txt)" 9
	grep -q '^\.\.\. and 1991 more creators (2000 in all): --format csv or -o FILE has every row' cut.txt
	grep -q 'ppv-earnings: no pager: set PAGER, or install less: the first creators only' cut.txt
	# a pager that cannot run: said, not a silent empty screen
	script -qec "stty rows 12 cols 200; PPV_PAGER=no-such-pager ppv-earnings -q -m 2026-10 small.csv; echo status=\$?" /dev/null > bad.txt
	grep -q 'ppv-earnings: the pager could not be run (its shell said why): use --format csv, or set PAGER' bad.txt
	grep -q 'status=2' bad.txt
	# a table that fits is not paged
	head -6 small.csv > tiny.csv
	script -qec "stty rows 12 cols 200; PPV_PAGER='sed s/^/PAGED:/' ppv-earnings -q -m 2026-10 tiny.csv" /dev/null > fits.txt
	assert_equal "$(grep -c '^c[0-9]' fits.txt)" 5
	refute grep -q PAGED fits.txt
}

@test "--memory: events past it wait in partitions on disk, and the payouts, summary and balances are the very same" {
	month
	cd "$T"
	# a second row under an event_id with other fields, and a refund over what its sale has left
	sale=$(awk -F, '$4 == "ticket" && $2 ~ /^17/ { print; exit }' ev.csv)
	id=${sale%%,*}
	{ cat ev.csv; echo "${sale/,ticket,/,tip,}"; echo "r-over,1791000000,$(cut -d, -f3 <<< "$sale"),refund,99999,$(cut -d, -f6 <<< "$sale"),US,v1,web,$id"; } > bad.csv
	printf 'creator_id,currency,balance\nc0012,USD,250.00\nnobody,EUR,20.00\n' > bal.csv
	ppv-earnings "${OPTS[@]}" --impressions imp.csv --balances bal.csv --summary one.json --closing one.close \
		--ledger one.ledger --rejects one.rej -o one.csv bad.csv
	mkdir tmp
	# 64K for a table of 12,000 events: many partitions, the file's and a pipe's
	TMPDIR=$T/tmp ppv-earnings "${OPTS[@]}" --memory 64K --impressions imp.csv --balances bal.csv --summary sp.json \
		--closing sp.close --ledger sp.ledger --rejects sp.rej -o sp.csv bad.csv
	cmp one.csv sp.csv
	cmp one.json sp.json
	cmp one.close sp.close
	cmp <(sort one.ledger) <(sort sp.ledger)
	cmp <(sort one.rej) <(sort sp.rej)
	assert_equal "$(grep -c "$id\|r-over" sp.rej)" 2
	cat bad.csv | TMPDIR=$T/tmp ppv-earnings "${OPTS[@]}" --memory 64K --impressions imp.csv --balances bal.csv \
		--rejects pipe.rej -o pipe.csv
	cmp one.csv pipe.csv
	assert_equal "$(ls -A tmp)" ""
	# a bound the month fits in: no partitions at all
	TMPDIR=/nonexistent ppv-earnings "${OPTS[@]}" --memory 1G --impressions imp.csv --balances bal.csv \
		--rejects big.rej -o big.csv bad.csv
	cmp one.csv big.csv
}

@test "--memory: a run killed while it spills leaves nothing behind" {
	month
	cd "$T"
	mkdir tmp
	mkfifo events
	{ cat ev.csv; sleep 60; } > events &
	local writer=$!
	TMPDIR=$T/tmp ppv-earnings "${OPTS[@]}" --memory 64K -o payouts.csv events &
	local pid=$!
	local spilled=0
	for _ in $(seq 100); do
		spilled=$(ls -l "/proc/$pid/fd" 2>/dev/null | grep -c "$T/tmp/.* (deleted)" || true)
		[ "$spilled" -gt 0 ] && break
		sleep 0.1
	done
	kill -KILL "$pid"
	wait "$pid" || true
	kill "$writer" 2>/dev/null || true
	# its partitions were there, never named (or unlinked at once): the kernel took them with it
	(( spilled > 0 )) || fail "no partition file was open in $T/tmp"
	assert_equal "$(ls -A tmp)" ""
	assert_equal "$(ls -A | grep -c payouts)" 0
}

@test "--memory takes a size, and not with --partial or --merge" {
	month
	for bad in 12X -5 "" 1K; do
		run ppv-earnings "${OPTS[@]}" --memory "$bad" "$T/ev.csv"
		assert_failure 2
	done
	run ppv-earnings "${OPTS[@]}" --memory abc "$T/ev.csv"
	assert_output "ppv-earnings: --memory: 'abc' is not a size (512M, 4G)"
	run ppv-earnings "${OPTS[@]}" --memory 1K "$T/ev.csv"
	assert_output "ppv-earnings: --memory: 1K is under 64K"
	run ppv-earnings "${OPTS[@]}" --memory 4G --partial "$T/ev.csv"
	assert_failure 2
	assert_output "ppv-earnings: --memory goes with a run on event logs, not with --partial or --merge"
}

@test "a month larger than the machine's free memory is refused before it starts, with what it would need" {
	$PY "$BATS_TEST_DIRNAME/lib/gen-events.py" 20000 2 > "$T/ev.csv"
	# a terabyte of log, as its size says (sparse: no disk is used)
	truncate -s 1T "$T/ev.csv"
	run ppv-earnings -q -m 2026-10 -o "$T/payouts.csv" "$T/ev.csv"
	assert_failure 2
	assert_output --regexp "^ppv-earnings: $T/ev.csv: about [0-9]+ events \(judged from the logs' size\) need about [0-9]+ MiB, more than the [0-9]+ MiB this machine has free: split the month with --partial and --merge \(see ppv-earnings\(1\)\)$"
	assert_equal "$(ls "$T" | grep -c payouts)" 0
}

@test "payout rows built in parts on two cores: 100,000 quoted ids and names read back whole by Python's csv" {
	# four parts of 32,768 rows and a last short one; ids with commas and
	# quotes, names a spreadsheet would run as formulas
	$PY -c '
import csv, sys
cr = csv.writer(open(sys.argv[1], "w", newline=""), lineterminator="\n")
ev = csv.writer(open(sys.argv[2], "w", newline=""), lineterminator="\n")
cr.writerow(["creator_id", "name", "country", "currency"])
ev.writerow(["event_id", "time", "creator_id", "kind", "amount", "currency"])
for i in range(100000):
    cid = f"c{i:06d}" + (",x" if i % 7 == 0 else "") + ("\"q\"" if i % 11 == 0 else "")
    cr.writerow([cid, ["=cmd", "@n", "plain", "a, b", "-5 \"x\"", "+1"][i % 6] + f" {i}", "FR", "USD"])
    ev.writerow([f"e{i}", 1790812800 + i, cid, "ticket", f"{i % 500}.{i % 100:02d}", "USD"])
' "$T/creators.csv" "$T/ev.csv"
	ppv-earnings -q -m 2026-10 --creators "$T/creators.csv" -o "$T/pay.csv" "$T/ev.csv"
	run $PY -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
names = {r[0]: r[1] for r in csv.reader(open(sys.argv[2], newline=""))}
bad = [r for r in rows[1:] if len(r) != 13 or r[0] not in names or r[3] != r[8] or
       r[1] != ("\x27" if names[r[0]][0] in "=+-@" else "") + names[r[0]] or
       r[3] != f"{int(r[0][1:7]) % 500}.{int(r[0][1:7]) % 100:02d}"]
ids = [r[0] for r in rows[1:]]
print(len(ids), len(bad), ids == sorted(ids), bad[:1])' "$T/pay.csv" "$T/creators.csv"
	assert_success
	assert_output "100000 0 True []"
}

@test "the payout rows ask for their earners ahead: the compiler kept csv_rows' prefetches" {
	# GCC 12 once dropped them all as calls to a "pure" function, silently:
	# a million creators' rows took 0.08 s more; nothing else would show it
	run objdump -d --no-show-raw-insn --disassemble=csv_rows "$PPV_BIN/ppv-earnings"
	assert_success
	assert_num "$(grep -c prefetch <<< "$output")" -ge 3
}

@test "a broken quote far into a log, past the first batches the reader thread hands over, is reported at its line" {
	$PY "$BATS_TEST_DIRNAME/lib/gen-events.py" 9000 3 > "$T/big.csv"
	echo 'x1,2026-10-03T10:00:00Z,u1,ticket,"10.00,USD,FR,v1,web,' >> "$T/big.csv"
	n=$(wc -l < "$T/big.csv")
	run ppv-earnings -q -m 2026-10 "$T/big.csv"
	assert_failure 2
	assert_output "ppv-earnings: $T/big.csv:$n: unterminated quoted field"
}

@test "--tz moves the month's bounds to local midnight; -m last is the month before this one" {
	creators
	{ echo $HDR
	  echo z1,2026-09-30T22:30:00Z,u1,ticket,10.00,USD,FR,v1,web,
	  echo z2,2026-10-31T23:30:00Z,u1,ticket,20.00,USD,FR,v1,web,
	} > "$T/ev.csv"
	earn --summary "$T/utc.json" "$T/ev.csv"
	assert_equal "$(payout u1 gross)" "20.00"
	earn --tz Europe/Paris --summary "$T/paris.json" "$T/ev.csv"
	# 00:30 on 1 October in Paris is in; 00:30 on 1 November (winter time) is out
	assert_equal "$(payout u1 gross)" "10.00"
	grep -q '"start":"2026-09-30T22:00:00Z","end":"2026-10-31T23:00:00Z"' "$T/paris.json"
	run ppv-earnings -m 2026-10 --tz Mars/Olympus_Mons "$T/ev.csv"
	assert_failure 2
	assert_output "ppv-earnings: --tz: unknown time zone 'Mars/Olympus_Mons'"
	ppv-earnings -q -m last --summary "$T/last.json" -o /dev/null "$T/ev.csv"
	grep -q "\"month\":\"$(date -ud "$(date -u +%Y-%m-01) -1 day" +%Y-%m)\"" "$T/last.json"
}

@test "a large .gz log, inflated ahead by a thread, gives the plain file's payouts; a cut or corrupt one is exit 2" {
	# 60,000 rows: several of the inflating thread's 1 MiB blocks, rows across their edges
	$PY "$BATS_TEST_DIRNAME/lib/gen-events.py" 60000 8 --currencies USD,EUR > "$T/ev.csv"
	gzip -c "$T/ev.csv" > "$T/ev.csv.gz"
	assert_num "$(stat -c %s "$T/ev.csv")" -gt $((3 << 20))
	ppv-earnings -q -m 2026-10 -o "$T/plain.csv" "$T/ev.csv"
	ppv-earnings -q -m 2026-10 -o "$T/gz.csv" "$T/ev.csv.gz"
	cmp "$T/plain.csv" "$T/gz.csv"
	head -c $(($(stat -c %s "$T/ev.csv.gz") / 2)) "$T/ev.csv.gz" > "$T/cut.csv.gz"
	run ppv-earnings -q -m 2026-10 -o "$T/out.csv" "$T/cut.csv.gz"
	assert_failure 2
	assert_output --partial "$T/cut.csv.gz: truncated gzip data"
	[ ! -e "$T/out.csv" ]
	# bytes changed in the middle of the deflate stream: zlib's complaint, or the CRC's
	cp "$T/ev.csv.gz" "$T/bad.csv.gz"
	printf '\377\377\377\377\377\377\377\377' | dd of="$T/bad.csv.gz" bs=1 seek=$(($(stat -c %s "$T/ev.csv.gz") / 3)) conv=notrunc 2> /dev/null
	run ppv-earnings -q -m 2026-10 -o "$T/out.csv" "$T/bad.csv.gz"
	assert_failure 2
	assert_output --regexp "^ppv-earnings: $T/bad.csv.gz(:[0-9]+)?: "
	[ ! -e "$T/out.csv" ]
	# ppv-mint -c reads gzip files the same way
	head -c 100 "$T/ev.csv.gz" > "$T/short.gz"
	run ppv-mint -c -f nginx -k "$T/nginx.key" "$T/short.gz"
	assert_failure 2
	assert_output --partial "$T/short.gz: truncated gzip data"
}

@test "out of memory on the second core while the rows are written: the first core builds the rest, the payouts whole" {
	cd "$T"
	cc -shared -fPIC -o nomem.so "$BATS_TEST_DIRNAME/lib/nomem.c" -ldl
	# past 32,768 payees, every other 32,768 rows are built on a second thread
	awk 'BEGIN { print "event_id,time,creator_id,kind,amount,currency"
		for (i = 0; i < 70000; i++) printf "e%d,%d,c%06d,ticket,%d.%02d,USD\n", i, 1790812800 + i, i, i % 5000, i % 100 }' > ev.csv
	ppv-earnings -q -m 2026-10 -o whole.csv ev.csv
	# that thread's row buffer may not grow to 1 MiB: it builds about 6,700
	# of its 32,768 rows in 512 KiB, and the first core the rest
	# (ASan wants to be first; the shim only wraps realloc)
	run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		LD_PRELOAD="$T/nomem.so" NOMEM_FROM=1048576 ppv-earnings -q -m 2026-10 -o short.csv ev.csv
	assert_success
	assert_output "nomem: a helper thread's realloc refused"
	assert_equal "$(wc -l < short.csv)" 70001
	assert_equal "$(cmp whole.csv short.csv 2>&1)" ""
}

@test "past 32,768 creators, settled on two cores: the first creator in memory order that stops the run is the one named, as on one core" {
	cd "$T"
	# o1 comes first (its balance), its closing balance past 64 bits; every
	# creator after it is paid in yen, where --min-payout 0.5 is no amount:
	# each half of the two-core settling stops, the first half's reason wins
	for n in 100 40000; do
		{ echo creator_id,currency,balance; echo o1,USD,92233720368547758.00; } > bal.csv
		awk -v n="$n" 'BEGIN { print "event_id,time,creator_id,kind,amount,currency"
			print "o,1790812800,o1,ticket,10.00,USD"
			for (i = 0; i < n; i++) printf "e%d,%d,c%06d,ticket,100,JPY\n", i, 1790812800 + i, i }' > ev.csv
		run ppv-earnings -q -m 2026-10 --balances bal.csv --min-payout 0.5 ev.csv
		assert_failure 2
		assert_output "ppv-earnings: creator 'o1': the month's USD amounts overflow a 64-bit total"
	done
}
