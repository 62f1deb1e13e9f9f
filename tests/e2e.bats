#!/usr/bin/env bats
# The whole pipeline as `make demo` runs it (RTMP push with a stream key,
# cue, encrypted live HLS, tickets, nginx, ads stitched live, payouts), with a
# real browser watching: hls.js in headless Chromium plays a buyer's live,
# ad-stitched event through nginx with the buyer's ticket, and nothing plays
# without one.

load helpers

ROOT=$BATS_TEST_DIRNAME/..

per_test_end() {
	nginx_stop "$T/demo"
}

# hls.js in Chromium on the demo's own player page, as the demo tells a person to
browse() {
	node "$JS/play.js" "$1" "${2:-60}"
}

@test "make demo end to end: Chromium plays a buyer's paywalled, encrypted event live with ads stitched in, through nginx, and nothing without a valid ticket" {
	D=$T/demo
	# into a file, not a pipe: a process the demo left behind would hold a pipe open forever
	status=0
	PPV_BIN=$PPV_BIN PPV_DEMO_DIR=$D PPV_DEMO_WATCH="node $JS/play.js" "$ROOT/mk/demo" > "$T/demo.out" 2>&1 3>&- || status=$?
	output=$(cat "$T/demo.out")
	[ "$status" -eq 0 ] || fail "$output"
	# and it left nothing running: not nginx, not the pipeline, not the browser
	for _ in $(seq 30); do pgrep -f -- "$D/" > /dev/null || break; sleep 0.1; done
	run pgrep -af -- "$D/"
	[ "$status" -eq 1 ] || fail "left running: $output"
	output=$(cat "$T/demo.out")
	# Chromium watched while it was live: content, the pod, content again, to the end
	[ "$(cat "$D/watch.status")" = 0 ] || fail "$(cat "$D/watch.out")"
	$PY - "$(cat "$D/watch.out")" <<-'PY'
	import json, re, sys
	r = json.loads(sys.argv[1])
	f = r["frags"]
	ads = [i for i, x in enumerate(f) if x.startswith("spring/")]
	# a live viewer joins at the live edge, wherever load puts it: what must hold is an
	# unbroken run of content up to the break (none when a loaded machine made the
	# player join with the break at the edge), exactly the pod, the rest of the event;
	# in whichever rung of the ladder the player chose (a segment again in another
	# rung, as a player may fetch on a switch, counts once)
	def numbers(fs):
	    out = []
	    for x in fs:
	        m = re.fullmatch(r"ev1/index_(source|240p|144p)(\d+)\.ts", x)
	        assert m, (x, r)
	        if int(m.group(2)) not in out:
	            out.append(int(m.group(2)))
	    return out
	# the pod is one run; whole when the player joined before it, and from
	# wherever it joined (and resynced, stalling on a busy machine) when it
	# joined inside it
	assert ads and ads == list(range(ads[0], ads[0] + len(ads))), r
	assert len(ads) == 4 or not numbers(f[:ads[0]]), r
	assert numbers(f[:ads[0]]) == list(range(4 - len(numbers(f[:ads[0]])), 4)), r
	assert numbers(f[ads[-1] + 1:]) == list(range(8, 12)), r
	assert r["ended"] and r["currentTime"] > 22, r
	assert not any(e.endswith(":fatal") for e in r["errors"]), r
	# the page says which rung is playing
	assert r["levels"] and re.fullmatch(r"playing (360|240|144)p, \d+ kb/s \([123] of 3\)", r["shown"]), r
	PY
	# it told the person watching what happened at each step
	assert_output --partial 'refused'
	assert_output --regexp "a buyer, the event's playlist +HTTP 200"
	assert_output --regexp 'a buyer, the AES key the playlist names +HTTP 200'
	assert_output --regexp 'no ticket, the key +HTTP 403'
	assert_output --regexp 'a forged ticket +HTTP 403'
	assert_output --regexp 'a ticket that expired in 2020 +HTTP 410'
	assert_output --regexp "ana, her own playlist with her ads +HTTP 200"
	assert_output --regexp 'an ad segment, no ticket needed +HTTP 200'
	# each buyer's own ticket: one screen at a time, a chargeback taken back, the audit
	assert_output --regexp 'dara, a segment, from 127.0.0.1 +HTTP 200'
	assert_output --regexp "dara's ticket, from 127.0.0.2 meanwhile +HTTP 503"
	assert_output --regexp 'eli, before his chargeback +HTTP 200'
	assert_output --regexp 'eli, after it +HTTP 403'
	assert_output --regexp 'ana, after it +HTTP 200'
	assert_output --partial 'no ticket shared'
	assert_equal "$(cut -d, -f7 "$D/audit.csv" | sort | uniq -c | awk '{ print $2 }' | paste -sd' ')" "ok verdict"
	assert_output --partial 'creator42, paid for the ads: creator42,'
	[ -s "$D"/report-*.html ]
	[ -s "$D"/payouts-*.csv ]
	# the live event a ladder of three rungs, each encrypted with the same keys, the
	# break cued at the same place, ended; the ad version: clear ads inside every rung
	P=$D/www/live/ev1
	assert_equal "$(grep -o 'RESOLUTION=[0-9x]*' "$P/master.m3u8" | paste -sd' ')" \
		'RESOLUTION=640x360 RESOLUTION=426x240 RESOLUTION=256x144'
	for r in source 240p 144p; do
		grep -v '^index' "$P/index_$r.m3u8" > "$T/$r.shape"
		grep -q '#EXT-X-KEY:METHOD=AES-128' "$P/index_$r.m3u8"
		grep -q '#EXT-X-CUE-OUT' "$P/index_$r.m3u8"
		grep -q '#EXT-X-ENDLIST' "$P/index_$r.m3u8"
		grep -q '^/ads/spring/' "$P/ana_index_$r.m3u8"
		grep -q '#EXT-X-KEY:METHOD=NONE' "$P/ana_index_$r.m3u8"
	done
	assert_equal "$(cat "$T/240p.shape")" "$(cat "$T/source.shape")"
	assert_equal "$(cat "$T/144p.shape")" "$(cat "$T/source.shape")"
	assert_equal "$(stat -c %a "$P"/*.key | sort -u)" 640
	# a second creator was live through the same port at the same time, into its own pipeline
	assert_output --regexp 'ppv-ingest: 127\.0\.0\.1:[0-9]+: ev1 is live'
	assert_output --regexp 'ppv-ingest: 127\.0\.0\.1:[0-9]+: ev2 is live'
	assert_output --partial 'ppv-ingest: ev2: pipeline ended: exit status 0'
	grep -q '#EXT-X-ENDLIST' "$D/www/live/ev2/index_source.m3u8"
	d=$(duration -allowed_extensions ALL "$D/www/live/ev2/index_source.m3u8")
	awk -v d="$d" 'BEGIN { exit !(d > 19 && d < 21) }' || fail "ev2: duration $d, pushed 20"
	# the impressions the stitch logged are in the creator's payout
	assert_num "$(grep -c ',creator42,' "$D/impressions.csv")" -ge 2

	# after the event: nginx again, the way the demo's last lines say, and the
	# recording with the ads plays from the start
	cmd=$(printf '%s\n' "$output" | sed -n 's/^  \(nginx -e .*\) &$/\1/p')
	[ -n "$cmd" ]
	bash -c "$cmd" 3>&- &
	page=$(cat "$D/watch-url")
	origin=${page%%/demo/*}
	for _ in $(seq 300); do curl -s -o /dev/null "$origin/" && break; sleep 0.1; done
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
	key=$(grep -o 'URI="[^"]*"' "$P/index_240p.m3u8" | head -1 | cut -d'"' -f2)
	seg=$(grep -m1 -v '^#' "$P/index_240p.m3u8")
	for f in ana.m3u8 "$seg" "$key"; do
		assert_equal "$(curl -s -o /dev/null -w '%{http_code}' "$origin/live/ev1/$f")" 403
	done
	expired=$(ppv-mint -f nginx -k "$D/etc/event.key" -e 2020-01-01T00:00:00Z --token-path /t \
		--nginx-expr '$secure_link_expires$ppv_dir$ppv_ticket $secret' --sub ana@example.com -u "$origin" /live/ev1/ana.m3u8)
	for f in ana.m3u8 "$seg" "$key"; do
		assert_equal "$(curl -s -o /dev/null -w '%{http_code}' "${expired%ana.m3u8}$f")" 410
	done
	for s in /live/ev1/ana.m3u8 "${expired#"$origin"}"; do
		run browse "${page%%src=*}src=$s" 15
		assert_success
		assert_output --partial 'manifestLoadError:fatal'
		$PY -c 'import json, sys; r = json.loads(sys.argv[1]); assert not r["frags"] and r["currentTime"] == 0, r' "$output"
	done
}
