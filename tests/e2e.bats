#!/usr/bin/env bats
# The whole pipeline as `make demo` runs it (RTMP push with a stream key,
# cue, encrypted live HLS, tickets, nginx, stitched ads, payouts), then a real
# browser: hls.js in headless Chromium plays a buyer's ad version through
# nginx with the buyer's ticket, and nothing plays without one.

load helpers

ROOT=$BATS_TEST_DIRNAME/..

teardown() {
	[ -f "$T/demo/nginx.pid" ] && kill "$(cat "$T/demo/nginx.pid")" 2>/dev/null || true
	rm -rf "$T"
}

# hls.js in Chromium on the demo's own player page, as the demo tells a person to
browse() {
	node "$JS/play.js" "$1" "${2:-60}"
}

@test "make demo end to end: a buyer's paywalled, encrypted, ad-stitched event plays in Chromium through nginx, and only with a valid ticket" {
	D=$T/demo
	PPV_BIN=$PPV_BIN PPV_DEMO_DIR=$D run "$ROOT/mk/demo" 3>&-
	[ "$status" -eq 0 ] || fail "$output"
	# it told the person watching what happened at each step
	assert_output --partial 'refused'
	assert_output --regexp 'a buyer, the playlist +HTTP 200'
	assert_output --regexp 'a buyer, the AES key the playlist names +HTTP 200'
	assert_output --regexp 'no ticket, the key +HTTP 403'
	assert_output --regexp 'a forged ticket +HTTP 403'
	assert_output --regexp 'a ticket that expired in 2020 +HTTP 410'
	assert_output --regexp "ana's ad version, with her ticket +HTTP 200"
	assert_output --partial 'creator42, paid for the ads: creator42,'
	[ -s "$D"/report-*.html ] && [ -s "$D"/payouts-*.csv ]
	# the live playlist: encrypted, the break cued, ended; the ad version: clear ads inside it
	P=$D/www/live/ev1
	grep -q '#EXT-X-KEY:METHOD=AES-128' "$P/index.m3u8"
	grep -q '#EXT-X-CUE-OUT' "$P/index.m3u8"
	grep -q '#EXT-X-ENDLIST' "$P/index.m3u8"
	grep -q '^/ads/spring/' "$P/ana.m3u8"
	grep -q '#EXT-X-KEY:METHOD=NONE' "$P/ana.m3u8"
	[ "$(stat -c %a "$P"/*.key | sort -u)" = 600 ]
	# the impressions the stitch logged are in the creator's payout
	[ "$(grep -c ',creator42,' "$D/impressions.csv")" -ge 2 ]

	# nginx again, the way the demo's last lines say
	cmd=$(printf '%s\n' "$output" | sed -n 's/^  \(nginx -e .*\) &$/\1/p')
	[ -n "$cmd" ]
	bash -c "$cmd" 3>&- &
	page=$(cat "$D/watch-url")
	origin=${page%%/demo/*}
	for _ in $(seq 50); do curl -s -o /dev/null "$origin/" && break; sleep 0.1; done
	src=${page#*src=}

	run browse "$page" 60
	assert_success
	refute_output --partial ':fatal'
	# content, then the ads, then content again, and the clock past the break's end
	$PY - "$output" <<-'PY'
	import json, sys
	r = json.loads(sys.argv[1])
	f = r["frags"]
	ads = [i for i, x in enumerate(f) if x.startswith("spring/")]
	assert ads, r
	assert any(not x.startswith("spring/") for x in f[:ads[0]]), r
	assert any(not x.startswith("spring/") for x in f[ads[-1] + 1:]), r
	assert r["currentTime"] > 18, r
	PY

	# without a ticket, or with an expired one: no playlist, segment or key
	key=$(grep -o 'URI="[^"]*"' "$P/index.m3u8" | head -1 | cut -d'"' -f2)
	seg=$(grep -m1 -v '^#' "$P/index.m3u8")
	for f in ana.m3u8 "$seg" "$key"; do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$origin/live/ev1/$f")" = 403 ]
	done
	expired=$(ppv-mint -f nginx -k "$D/etc/event.key" -e 2020-01-01T00:00:00Z --token-path /t \
		--nginx-expr '$secure_link_expires$ppv_dir $secret' -u "$origin" /live/ev1/ana.m3u8)
	for f in ana.m3u8 "$seg" "$key"; do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "${expired%ana.m3u8}$f")" = 410 ]
	done
	for s in /live/ev1/ana.m3u8 "${expired#"$origin"}"; do
		run browse "${page%%src=*}src=$s" 15
		assert_success
		assert_output --partial 'manifestLoadError:fatal'
		$PY -c 'import json, sys; r = json.loads(sys.argv[1]); assert not r["frags"] and r["currentTime"] == 0, r' "$output"
	done
}
