#!/usr/bin/env bats
# The deployment examples in examples/ do what their comments say, run as a
# system would run them: cron's and systemd's command lines, the scripts.

load helpers

EX=$BATS_TEST_DIRNAME/../examples

per_test_end() {
	nginx_stop "$T/ngx"
}
D=$BATS_TEST_DIRNAME/data/earnings

# The fixed parts of a payout host: tables in etc/, two months of rotated logs.
payout_host() {
	mkdir -p "$T/etc" "$T/logs" "$T/out"
	cp "$D/fees.csv" "$D/fx.csv" "$D/withholding.csv" "$T/etc/"
	$PY -c "
print('creator_id,name,country,currency')
for i in range(50): print(f'c{i:04d},Creator {i},FR,{\"USD\" if i % 2 == 0 else \"EUR\"}')" > "$T/etc/creators.csv"
	for m in 2026-09 2026-10; do
		$PY "$BATS_TEST_DIRNAME/lib/gen-events.py" 3000 "${m#*-}" --month "$m" --currencies USD,EUR --creators 50 > "$T/all.csv"
		# rotated by day, as logrotate leaves them
		$PY -c '
import csv, sys, time
out = {}
rows = csv.reader(open(sys.argv[1]))
head = next(rows)
for r in rows:
    r[0] = sys.argv[3] + r[0]  # unique across the generated months
    if r[9]:
        r[9] = sys.argv[3] + r[9]
    name = "%s/events-%s.csv" % (sys.argv[2], time.strftime("%Y-%m-%d", time.gmtime(int(r[1]))))
    if name not in out:
        out[name] = csv.writer(open(name, "a"))
        if out[name] and open(name).read() == "":
            out[name].writerow(head)
    out[name].writerow(r)' "$T/all.csv" "$T/logs" "$m-"
	done
	gzip "$T"/logs/*.csv
	export PPV_LOGS=$T/logs PPV_ETC=$T/etc PPV_OUT=$T/out
}

@test "ppv-payouts runs a month from rotated .gz logs, and the next month opens on its closing balances" {
	payout_host
	# a high minimum: September leaves balances for October to open on
	PPV_MONTH=2026-09 PPV_MIN_PAYOUT=5000 run "$EX/ppv-payouts"
	assert_success
	assert_output --partial "ppv-payouts: 2026-09: "
	PPV_MONTH=2026-10 PPV_MIN_PAYOUT=5000 "$EX/ppv-payouts"
	[ -s "$T/out/payouts/2026-10.csv" ]
	[ -s "$T/out/reports/2026-10.html" ]
	[ -s "$T/out/ledgers/2026-10.csv" ]
	# September's closing balances are October's opening ones
	awk -F, 'NR > 1 && $3 != "0.00" { print $1 "," $3 }' "$T/out/balances/2026-09.csv" | sort > "$T/closed"
	awk -F, 'NR > 1 && $10 != "0.00" { print $1 "," $10 }' "$T/out/payouts/2026-10.csv" | sort > "$T/opened"
	[ -s "$T/closed" ]
	diff "$T/closed" "$T/opened"
	# a rerun gives the same files
	cp "$T/out/payouts/2026-10.csv" "$T/first.csv"
	PPV_MONTH=2026-10 PPV_MIN_PAYOUT=5000 "$EX/ppv-payouts" > /dev/null
	cmp "$T/first.csv" "$T/out/payouts/2026-10.csv"
}

@test "the crontab line and the systemd service run ppv-payouts; the units pass systemd-analyze" {
	# cron's command field, with cron's PATH and our binaries first
	cmd=$(grep -E '^[0-9*]' "$EX/crontab" | awk '{ for (i = 6; i <= NF; i++) printf "%s%s", $i, i < NF ? " " : "" }')
	assert_equal "$cmd" ppv-payouts
	grep -q '^0 3 1 \* \* ppv-payouts$' "$EX/crontab"
	grep -q '^ExecStart=/usr/local/bin/ppv-payouts$' "$EX/ppv-payouts.service"
	grep -q '^OnCalendar=\*-\*-01 03:00:00 UTC$' "$EX/ppv-payouts.timer"
	payout_host
	mkdir -p "$T/bin" && cp "$EX/ppv-payouts" "$T/bin/"
	PPV_MONTH=2026-10 PATH="$T/bin:$PATH" run bash -c "$cmd"
	assert_success
	assert_output --regexp "^ppv-payouts: 2026-10: 50 creators"
	if command -v systemd-analyze > /dev/null; then
		# verify wants the ExecStart binary to exist where the unit says
		sed "s|/usr/local/bin/ppv-payouts|$T/bin/ppv-payouts|" "$EX/ppv-payouts.service" > "$T/ppv-payouts.service"
		cp "$EX/ppv-payouts.timer" "$T/"
		cp "$EX/ppv-event" "$T/bin/"
		sed "s|/usr/local/bin/ppv-event|$T/bin/ppv-event|" "$EX/ppv-event@.service" > "$T/ppv-event@ev42.service"
		# --man=no: the man pages are not installed on a test machine
		run systemd-analyze verify --man=no "$T/ppv-payouts.service" "$T/ppv-payouts.timer" "$T/ppv-event@ev42.service"
		[ "$status" -eq 0 ] || fail "$output"
		systemd-analyze calendar '*-*-01 03:00:00 UTC' > /dev/null
	fi
}

@test "ppv-event: an RTMP push with the event's key becomes encrypted HLS that ffmpeg plays back" {
	mkdir -p "$T/events" "$T/www"
	(umask 077; echo "creator7 k3y-for-ev42" > "$T/events/ev42.keys")
	PORT=$(free_port)
	echo "$PORT" > "$T/events/ev42.port"
	printf 'at,duration\n5,2\n' > "$T/events/ev42.breaks"
	PPV_EVENTS=$T/events PPV_WWW=$T/www PPV_GRACE=1s "$EX/ppv-event" ev42 2> "$T/err" 3>&- &
	pid=$!
	ppv-ingest --test-source --duration 8 --size 320x180 | ffmpeg -v error -i - -c copy -f flv "$T/src.flv"
	for _ in $(seq 50); do grep -q 'waiting for a publisher' "$T/err" && break; sleep 0.1; done
	ffmpeg -v error -re -i "$T/src.flv" -c copy -f flv "rtmp://127.0.0.1:$PORT/live/k3y-for-ev42"
	wait "$pid"
	grep -q '#EXT-X-ENDLIST' "$T/www/ev42/index.m3u8"
	grep -q '#EXT-X-KEY:METHOD=AES-128' "$T/www/ev42/index.m3u8"
	grep -q '#EXT-X-CUE-OUT' "$T/www/ev42/index.m3u8"
	assert_equal "$(stat -c %a "$T"/www/ev42/*.key | sort -u)" 640
	grep -q '"name":"creator7"' "$T/www/ev42.stats.json"
	d=$(duration -allowed_extensions ALL "$T/www/ev42/index.m3u8")
	awk -v d="$d" 'BEGIN { exit !(d > 7 && d < 9) }' || fail "duration $d"
	ffmpeg -v error -allowed_extensions ALL -i "$T/www/ev42/index.m3u8" -f null -
}

@test "ppv-event fails its unit when a stage dies mid-stream, so systemd restarts it" {
	mkdir -p "$T/events" "$T/www"
	(umask 077; echo "creator7 k3y-for-ev42" > "$T/events/ev42.keys")
	PORT=$(free_port)
	echo "$PORT" > "$T/events/ev42.port"
	PPV_EVENTS=$T/events PPV_WWW=$T/www PPV_GRACE=30s "$EX/ppv-event" ev42 2> "$T/err" 3>&- &
	pid=$!
	ppv-ingest --test-source --duration 20 --size 320x180 | ffmpeg -v error -i - -c copy -f flv "$T/src.flv"
	for _ in $(seq 50); do grep -q 'waiting for a publisher' "$T/err" && break; sleep 0.1; done
	ffmpeg -v error -re -i "$T/src.flv" -c copy -f flv "rtmp://127.0.0.1:$PORT/live/k3y-for-ev42" 2> /dev/null &
	pub=$!
	for _ in $(seq 100); do [ -f "$T/www/ev42/index.m3u8" ] && break; sleep 0.1; done
	# the front door dies; the segmenter ends its playlist cleanly, exit 0
	pkill -9 -f "ppv-ingest -l $PORT"
	rc=0; wait "$pid" || rc=$?
	kill "$pub" 2> /dev/null || true
	assert_equal "$rc" 137
	grep -q '#EXT-X-ENDLIST' "$T/www/ev42/index.m3u8"
}

@test "the event unit as deployed: nginx as another user reads the playlist, segments and keys through the shared group, others nothing" {
	[ "$(id -u)" = 0 ] || skip "needs root to run nginx's workers as another user"
	# as the unit's install lines: the web root in the web server's group, set-group-ID
	chmod 755 "$T"
	mkdir -p "$T/events"
	install -d -g nogroup -m 2750 "$T/www"
	(umask 077; echo "creator7 k3y-for-ev42" > "$T/events/ev42.keys")
	PORT=$(free_port)
	echo "$PORT" > "$T/events/ev42.port"
	# UMask=0027, as the unit sets it
	(umask 0027; PPV_EVENTS=$T/events PPV_WWW=$T/www PPV_GRACE=1s exec "$EX/ppv-event" ev42) 2> "$T/err" 3>&- &
	pid=$!
	ppv-ingest --test-source --duration 6 --size 320x180 | ffmpeg -v error -i - -c copy -f flv "$T/src.flv"
	for _ in $(seq 50); do grep -q 'waiting for a publisher' "$T/err" && break; sleep 0.1; done
	ffmpeg -v error -re -i "$T/src.flv" -c copy -f flv "rtmp://127.0.0.1:$PORT/live/k3y-for-ev42"
	wait "$pid"
	# group-readable in the web server's group, nothing for others, keys included
	assert_equal "$(find "$T/www/ev42" -type f -printf '%m %g\n' | sort -u)" "640 nogroup"
	# nginx's workers as nobody:nogroup, the master as root
	NPORT=$(free_port)
	mkdir -p "$T/ngx"
	nginx_start "$T/ngx" "$NPORT" "server { listen 127.0.0.1:$NPORT; root $T/www; }" \
		"user nobody nogroup; worker_processes 1;"
	key=$(grep -o 'URI="[^"]*"' "$T/www/ev42/index.m3u8" | head -1 | cut -d'"' -f2)
	seg=$(grep -m1 -v '^#' "$T/www/ev42/index.m3u8")
	for f in index.m3u8 "$seg" "$key"; do
		assert_equal "$(code "http://127.0.0.1:$NPORT/ev42/$f")" 200
	done
	d=$(duration "http://127.0.0.1:$NPORT/ev42/index.m3u8")
	nginx_stop "$T/ngx"
	awk -v d="$d" 'BEGIN { exit !(d > 5 && d < 7) }' || fail "duration $d"
	# and a user in neither the writer's nor the shared group reads nothing
	run setpriv --reuid=65534 --regid=12345 --clear-groups cat "$T/www/ev42/$key"
	assert_failure
}

@test "systemd-analyze security rates the event unit under 2 and the payout unit under 1" {
	command -v systemd-analyze > /dev/null || skip "no systemd-analyze"
	mkdir -p "$T/bin"
	cp "$EX/ppv-payouts" "$EX/ppv-event" "$T/bin/"
	sed "s|/usr/local/bin/|$T/bin/|" "$EX/ppv-payouts.service" > "$T/ppv-payouts.service"
	sed "s|/usr/local/bin/|$T/bin/|" "$EX/ppv-event@.service" > "$T/ppv-event@ev42.service"
	rating() { systemd-analyze security --offline=true "$1" 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p'; }
	ev=$(rating "$T/ppv-event@ev42.service")
	pay=$(rating "$T/ppv-payouts.service")
	awk -v e="$ev" -v p="$pay" 'BEGIN { exit !(e != "" && e < 2 && p != "" && p < 1) }' || fail "event $ev, payouts $pay"
}

@test "insert-ads: every recording of a directory gets its ad version and its impressions" {
	mkdir -p "$T/rec/c0001" "$T/rec/c0002" "$T/ad"
	ppv-ingest --test-source --duration 20 --size 160x120 | ppv-splice inject --at 8/4 > "$T/rec/c0001/ev1.ts"
	ppv-ingest --test-source --duration 12 --size 160x120 > "$T/rec/c0002/ev2.ts"
	ppv-ingest --test-source --duration 4 --size 160x120 |
		ffmpeg -v error -i - -c copy -f hls -hls_time 2 -hls_playlist_type vod "$T/ad/index.m3u8"
	printf 'ad_id,playlist,duration,advertiser,cpm,targeting\nspring,ad/index.m3u8,4,Acme,12.50,\n' > "$T/ads.csv"
	printf 'at,duration\n4,4\n' > "$T/breaks.csv"
	run "$EX/insert-ads" "$T/rec" "$T/out" "$T/ads.csv" "$T/breaks.csv"
	assert_success
	assert_output "insert-ads: 2 recordings, impressions in $T/out/impressions.csv"
	for v in c0001/ev1 c0002/ev2; do
		grep -q 'ad/index' "$T/out/$v/ads.m3u8" || grep -q '\.\./.*ad/' "$T/out/$v/ads.m3u8"
		ffmpeg -v error -i "$T/out/$v/ads.m3u8" -f null -
	done
	# the recording's own cue placed c0001's break; the schedule c0002's
	assert_num "$(grep -c ',c0001,' "$T/out/impressions.csv")" -ge 1
	assert_num "$(grep -c ',c0002,' "$T/out/impressions.csv")" -ge 1
	ppv-earnings -q -m "$(date -u +%Y-%m)" --impressions "$T/out/impressions.csv" /dev/null | grep -q '^c0001,'
}

# The nginx site of examples/, on 127.0.0.1 without TLS, its secret beside it.
nginx_site() {
	NPORT=$(free_port)
	mkdir -p "$T/ngx"
	(umask 077; ppv-mint --genkey -f nginx > "$T/event.key"
	 printf 'set $ppv_secret "%s";\n' "$(cat "$T/event.key")" > "$T/ngx/ppv-secret.conf")
	sed -e "s|listen 443 ssl;|listen 127.0.0.1:$NPORT;|" -e '/ssl_certificate/d' -e "s|root /var/www;|root $T/www;|" \
		-e "s|/etc/nginx/ppv-secret.conf|$T/ngx/ppv-secret.conf|" "$EX/nginx-ppv.conf" > "$T/ngx/site.conf"
	nginx_start "$T/ngx" "$NPORT" "include $T/ngx/site.conf;"
}

# The ticket command of the site's own comment, pointed at this test's key and server.
ticket() {
	local cmd
	cmd=$(sed -n '/^#   ppv-mint/,/[^\\]$/p' "$EX/nginx-ppv.conf" | sed 's/^#   //; s/ *\\$//' | tr '\n' ' ')
	cmd=${cmd//\/etc\/ppv\/event.key/$T/event.key}
	cmd=${cmd//https:\/\/cdn.example.com/http://127.0.0.1:$NPORT}
	cmd=${cmd//ev42/$1}
	cmd=${cmd/-t 4h/${2:--t 4h}}
	bash -c "$cmd"
}

code() {
	curl -s -o /dev/null -w '%{http_code}' "$1"
}

@test "the nginx site serves an encrypted event to a ticket holder only, and hls.js plays it through it" {
	mkdir -p "$T/www/live"
	ppv-ingest --test-source --duration 16 --size 320x180 > "$T/ev.ts"
	ppv-segment -q -m vod -t 2 --encrypt -o "$T/www/live/ev42" "$T/ev.ts"
	ppv-segment -q -m vod -t 2 --encrypt -o "$T/www/live/ev43" "$T/ev.ts"
	chmod 644 "$T"/www/live/*/*.key  # nginx's worker is another user
	nginx_site
	url=$(ticket ev42)
	[[ $url == "http://127.0.0.1:$NPORT/t/"*"/live/ev42/index.m3u8" ]]
	assert_equal "$(code "$url")" 200
	# segments and keys are fetched by their relative URIs, under the ticket's prefix
	d=$(duration "$url")
	awk -v d="$d" 'BEGIN { exit !(d > 15 && d < 17) }' || fail "duration $d"
	key=$(grep -o 'URI="[^"]*"' "$T/www/live/ev42/index.m3u8" | head -1 | cut -d'"' -f2)
	assert_equal "$(code "${url%index.m3u8}$key")" 200
	curl -s -D - -o /dev/null "$url" | grep -qi '^cache-control: no-cache'
	# without a ticket, with a forged one, another event's, an expired one
	assert_equal "$(code "http://127.0.0.1:$NPORT/live/ev42/index.m3u8")" 403
	assert_equal "$(code "http://127.0.0.1:$NPORT/live/ev42/$key")" 403
	c=${url#*/t/}; c=${c:0:1}; r=A; [ "$c" != A ] || r=B
	forged=${url/\/t\/$c//t/$r}
	assert_not_equal "$forged" "$url"
	assert_equal "$(code "$forged")" 403
	assert_equal "$(code "${url/ev42/ev43}")" 403
	assert_equal "$(code "$(ticket ev42 '-e 2020-01-01T00:00:00Z')")" 410
	assert_equal "$(code "$(ticket ev43)")" 200
	# a browser: hls.js in Chromium, the page from another origin
	serve "$T/www"
	run play "$url" 40
	stop_server
	nginx_stop "$T/ngx"
	assert_success
	refute_output --partial ':fatal'
	$PY -c 'import json, sys; r = json.loads(sys.argv[1]); assert len(r["frags"]) >= 5 and r["currentTime"] > 10, r' "$output"
}

@test "the nginx site serves a live playlist rewritten within the same second anew, never 304 Not Modified" {
	mkdir -p "$T/www/live/ev42"
	# two windows of one live event, of the same length, written in one second
	pl() { printf '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:%s\n#EXTINF:2.000,\nindex%s.ts\n' "$1" "$1"; }
	pl 8 > "$T/www/live/ev42/index.m3u8"
	touch -d @1800000000.1 "$T/www/live/ev42/index.m3u8"
	nginx_site
	url=$(ticket ev42)
	curl -s -D "$T/h" -o /dev/null "$url"
	etag=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' "$T/h" | tr -d '\r')
	lm=$(sed -n 's/^[Ll]ast-[Mm]odified: *//p' "$T/h" | tr -d '\r')
	pl 9 > "$T/new.m3u8"
	touch -d @1800000000.6 "$T/new.m3u8"
	mv "$T/new.m3u8" "$T/www/live/ev42/index.m3u8"
	# a player revalidating what it holds, as the playlist's no-cache asks
	run curl -s -w '\n%{http_code}' ${etag:+-H "If-None-Match: $etag"} ${lm:+-H "If-Modified-Since: $lm"} "$url"
	nginx_stop "$T/ngx"
	assert_equal "${lines[-1]}" 200
	assert_line --index 4 index9.ts
}
