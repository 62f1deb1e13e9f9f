#!/usr/bin/env bats
# The deployment examples in examples/ do what their comments say, run as a
# system would run them: cron's and systemd's command lines, the scripts.

load helpers

EX=$BATS_TEST_DIRNAME/../examples

per_test_end() {
	nginx_stop "$T/ngx"
	# the servers a test left running, when it failed before stopping them
	if [ -s "$T/pids" ]; then kill $(cat "$T/pids") 2>/dev/null || true; fi
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
		# --man=no: the man pages are not installed on a test machine
		run systemd-analyze verify --man=no "$T/ppv-payouts.service" "$T/ppv-payouts.timer"
		[ "$status" -eq 0 ] || fail "$output"
		systemd-analyze calendar '*-*-01 03:00:00 UTC' > /dev/null
	fi
}

# An ingest host as the units describe it, under $T: the binaries where the
# units name them, the keys of two creators (ev42 with ad breaks, ev7 without),
# the web root; $PORT for 1935.
ingest_host() {
	mkdir -p "$T/bin" "$T/etc/events" "$T/www" "$T/log"
	for b in "$PPV_BIN"/ppv-*; do ln -s "$b" "$T/bin/"; done
	cp "$EX/ppv-event" "$T/bin/"
	(umask 077; printf 'ev42 k3y-for-ev42\nev7 k3y-for-ev7\n' > "$T/etc/stream.keys")
	printf 'at,duration\n5,2\n' > "$T/etc/events/ev42.breaks"
	PORT=$(free_port)
	export PPV_EVENTS=$T/etc/events PPV_WWW=$T/www
	ppv-ingest --test-source --duration 8 --size 320x180 | ffmpeg -v error -i - -c copy -f flv "$T/src.flv"
}

# A unit's ExecStart, its paths moved under $T and its port to $PORT.
execstart() {
	sed -n 's/^ExecStart=//p' "$1" | sed -e "s|/usr/local/bin/|$T/bin/|g" -e "s|/etc/ppv/|$T/etc/|g" \
		-e "s|/var/log/ppv/|$T/log/|g" -e "s|-l 1935|-l 127.0.0.1:$PORT|"
}

# The front door of ppv-ingest.service, in the background as $front.
front_door() {
	# shellcheck disable=SC2046 # the unit's words, as systemd splits them
	$(execstart "$EX/ppv-ingest.service") 2> "$T/err" 3>&- &
	front=$!
	echo $front >> "$T/pids"
	for _ in $(seq 100); do grep -q 'serving every creator' "$T/err" && return 0; sleep 0.1; done
	fail "the front door never listened: $(cat "$T/err")"
}

push() {
	ffmpeg -v error -re -i "$T/src.flv" -c copy -f flv "rtmp://127.0.0.1:$PORT/live/$1"
}

# until the front door's log has a line matching $1
logged() {
	for _ in $(seq 300); do grep -q "$1" "$T/err" && return 0; sleep 0.1; done
	fail "never logged '$1': $(cat "$T/err")"
}

@test "ppv-ingest.service as run: two creators at once through one port, each into ppv-event, encrypted HLS that ffmpeg plays back" {
	ingest_host
	front_door
	push k3y-for-ev42 &
	first=$!
	push k3y-for-ev7
	wait $first
	logged "^ppv-ingest: ev42: pipeline ended: exit status 0$"
	logged "^ppv-ingest: ev7: pipeline ended: exit status 0$"
	# stopped as KillMode=mixed does: SIGTERM to the main process alone
	kill -TERM $front
	wait $front
	for ev in ev42 ev7; do
		grep -q '#EXT-X-ENDLIST' "$T/www/$ev/index.m3u8"
		grep -q '#EXT-X-KEY:METHOD=AES-128' "$T/www/$ev/index.m3u8"
		assert_equal "$(stat -c %a "$T"/www/$ev/*.key | sort -u)" 640
		grep -q "\"name\":\"$ev\"" "$T/log/ingest.jsonl"
		d=$(duration -allowed_extensions ALL "$T/www/$ev/index.m3u8")
		awk -v d="$d" 'BEGIN { exit !(d > 7 && d < 9) }' || fail "$ev: duration $d"
		ffmpeg -v error -allowed_extensions ALL -i "$T/www/$ev/index.m3u8" -f null -
	done
	# the breaks of ev42 alone
	grep -q '#EXT-X-CUE-OUT' "$T/www/ev42/index.m3u8"
	run grep -c '#EXT-X-CUE-OUT' "$T/www/ev7/index.m3u8"
	assert_output 0
}

@test "a stage of one creator's ppv-event dying mid-stream: its status logged, its playlist ended; the other creator goes on" {
	ingest_host
	ppv-ingest --test-source --duration 20 --size 320x180 | ffmpeg -v error -i - -c copy -f flv "$T/long.flv"
	front_door
	ffmpeg -v error -re -i "$T/long.flv" -c copy -f flv "rtmp://127.0.0.1:$PORT/live/k3y-for-ev42" 2> /dev/null &
	doomed=$!
	ffmpeg -v error -re -i "$T/long.flv" -c copy -f flv "rtmp://127.0.0.1:$PORT/live/k3y-for-ev7" &
	other=$!
	for _ in $(seq 100); do [ -f "$T/www/ev42/index.m3u8" ] && break; sleep 0.1; done
	pkill -9 -f "ppv-splice inject --schedule $T/etc/events/ev42.breaks"
	# pipefail: the stage's death is the pipeline's status
	logged "^ppv-ingest: ev42: pipeline ended: exit status 137$"
	wait $doomed || true
	wait $other
	logged "^ppv-ingest: ev7: pipeline ended: exit status 0$"
	kill -TERM $front
	wait $front
	grep -q '#EXT-X-ENDLIST' "$T/www/ev42/index.m3u8"
	d=$(duration -allowed_extensions ALL "$T/www/ev7/index.m3u8")
	awk -v d="$d" 'BEGIN { exit !(d > 19 && d < 21) }' || fail "ev7: duration $d, pushed 20"
}

@test "ppv-ingest-inetd.socket as run: systemd accepts, each connection its own ppv-ingest --inetd into ppv-event" {
	ingest_host
	grep -q '^ListenStream=1935$' "$EX/ppv-ingest-inetd.socket"
	grep -q '^Accept=yes$' "$EX/ppv-ingest-inetd.socket"
	# systemd-socket-activate does what the socket unit asks of systemd
	# shellcheck disable=SC2046
	systemd-socket-activate -l 127.0.0.1:$PORT -a --inetd -E PATH -E PPV_BIN -E PPV_MADE -E PPV_EVENTS -E PPV_WWW \
		$(execstart "$EX/ppv-ingest-inetd@.service") 2> "$T/err" 3>&- &
	sa=$!
	echo $sa >> "$T/pids"
	logged "Listening on 127.0.0.1:$PORT"
	push k3y-for-ev42 &
	first=$!
	push k3y-for-ev7 || fail "$(cat "$T/err")"
	wait $first
	logged "^ppv-ingest: ev42: pipeline ended: exit status 0$"
	logged "^ppv-ingest: ev7: pipeline ended: exit status 0$"
	kill $sa
	wait $sa || true
	for ev in ev42 ev7; do
		grep -q '#EXT-X-ENDLIST' "$T/www/$ev/index.m3u8"
		d=$(duration -allowed_extensions ALL "$T/www/$ev/index.m3u8")
		awk -v d="$d" 'BEGIN { exit !(d > 7 && d < 9) }' || fail "$ev: duration $d"
	done
}

@test "the ingest units pass systemd-analyze verify" {
	command -v systemd-analyze > /dev/null || skip "no systemd-analyze"
	ingest_host
	for u in ppv-ingest.service ppv-ingest-inetd.socket ppv-ingest-inetd@.service; do
		sed "s|/usr/local/bin/|$T/bin/|" "$EX/$u" > "$T/$u"
	done
	# an instance, as the socket starts them (numbered)
	cp "$T/ppv-ingest-inetd@.service" "$T/ppv-ingest-inetd@1.service"
	run systemd-analyze verify --man=no "$T/ppv-ingest.service" "$T/ppv-ingest-inetd.socket" "$T/ppv-ingest-inetd@1.service"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "the event as deployed: nginx as another user reads the playlist, segments and keys through the shared group, others nothing" {
	[ "$(id -u)" = 0 ] || skip "needs root to run nginx's workers as another user"
	ingest_host
	# as the unit's install lines: the web root in the web server's group, set-group-ID
	chmod 755 "$T"
	rmdir "$T/www"
	install -d -g nogroup -m 2750 "$T/www"
	# UMask=0027, as the unit sets it
	umask 0027
	front_door
	umask 022
	push k3y-for-ev42
	logged "^ppv-ingest: ev42: pipeline ended: exit status 0$"
	kill -TERM $front
	wait $front
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
	awk -v d="$d" 'BEGIN { exit !(d > 7 && d < 9) }' || fail "duration $d"
	# and a user in neither the writer's nor the shared group reads nothing
	run setpriv --reuid=65534 --regid=12345 --clear-groups cat "$T/www/ev42/$key"
	assert_failure
}

@test "systemd-analyze security rates the front door under 2 and the payout unit under 1" {
	command -v systemd-analyze > /dev/null || skip "no systemd-analyze"
	mkdir -p "$T/bin"
	cp "$EX/ppv-payouts" "$EX/ppv-event" "$T/bin/"
	sed "s|/usr/local/bin/|$T/bin/|" "$EX/ppv-payouts.service" > "$T/ppv-payouts.service"
	sed "s|/usr/local/bin/|$T/bin/|" "$EX/ppv-ingest.service" > "$T/ppv-ingest.service"
	rating() { systemd-analyze security --offline=true "$1" 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p'; }
	ev=$(rating "$T/ppv-ingest.service")
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
	touch "$T/ngx/ppv-revoked.map"
	sed -e "s|listen 443 ssl;|listen 127.0.0.1:$NPORT;|" -e '/ssl_certificate/d' -e "s|root /var/www;|root $T/www;|" \
		-e "s|/etc/nginx/ppv-secret.conf|$T/ngx/ppv-secret.conf|" -e "s|/etc/nginx/ppv-revoked.map|$T/ngx/ppv-revoked.map|" \
		-e "s|/var/log/nginx/ppv-access.log|$T/ngx/access.log|" -e "s|js_path /etc/nginx/njs/;|js_path $EX/;|" \
		-e "s|/var/lib/nginx/ppv-screens|$T/ngx/screens|" ${SITE_SED:+-e "$SITE_SED"} "$EX/nginx-ppv.conf" > "$T/ngx/site.conf"
	mkdir -p "$T/ngx/screens"
	# a master, as deployed: `nginx -s reload` (a revocation) needs one; the
	# njs module, as Debian's package loads it
	nginx_start "$T/ngx" "$NPORT" "include $T/ngx/site.conf;" \
		"load_module /usr/lib/nginx/modules/ngx_http_js_module.so; user $(id -un) $(id -gn); worker_processes 1;"
}

# The ticket command of the site's own comment, pointed at this test's key and
# server: ticket EVENT [EXPIRY [BUYER]]
ticket() {
	local cmd
	cmd=$(sed -n '/^#   ppv-mint.*-t 4h/,/[^\\]$/p' "$EX/nginx-ppv.conf" | sed 's/^#   //; s/ *\\$//' | tr '\n' ' ')
	cmd=${cmd//\/etc\/ppv\/event.key/$T/event.key}
	cmd=${cmd//https:\/\/cdn.example.com/http://127.0.0.1:$NPORT}
	cmd=${cmd//ev42/$1}
	cmd=${cmd/-t 4h/${2:--t 4h}}
	cmd=${cmd/buyer-1093/${3:-buyer-1093}}
	bash -c "$cmd"
}

# The revocation command of the site's comment, then the reload it names.
revoke() {
	local cmd
	cmd=$(grep '^#   ppv-mint.*--revoke' "$EX/nginx-ppv.conf" | sed 's/^#   //')
	cmd=${cmd//\/etc\/ppv\/event.key/$T/event.key}
	cmd=${cmd//\/etc\/nginx\/ppv-revoked.map/$T/ngx/ppv-revoked.map}
	grep -q '^#   ppv-nginx-reload$' "$EX/nginx-ppv.conf"
	(cd "$T" && bash -c "$cmd") && nginx_reload "$T/ngx"
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

@test "the nginx site: two buyers of an event get tickets of their own; a revoked one gets 403 after a reload, the other plays on" {
	mkdir -p "$T/www/live/ev42"
	printf '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.000,\nindex0.ts\n' > "$T/www/live/ev42/index.m3u8"
	echo seg > "$T/www/live/ev42/index0.ts"
	nginx_site
	ana=$(ticket ev42 '' ana@example.com)
	bo=$(ticket ev42 '' bo@example.com)
	assert_not_equal "$ana" "$bo"
	# /t/MD5/EXPIRES/TICKET/...: the ticket is the buyer's, their name is in no URL
	[[ $ana =~ /t/[A-Za-z0-9_-]{22}/[0-9]+/([0-9a-f]{16})/live/ev42/index.m3u8$ ]] || fail "$ana"
	ta=${BASH_REMATCH[1]}
	[[ $ana != *ana* ]] || fail "the buyer is in the URL: $ana"
	assert_equal "$(ticket ev42 '' ana@example.com | grep -o '/[0-9a-f]\{16\}/')" "/$ta/"
	[[ $(ticket ev43 '' ana@example.com) != *"/$ta/"* ]] || fail "one ticket id for two events"
	for u in "$ana" "$bo" "${ana%index.m3u8}index0.ts" "${bo%index.m3u8}index0.ts"; do
		assert_equal "$(code "$u")" 200
	done
	# another buyer's ticket id under a valid signature: refused
	tb=$(grep -o '/[0-9a-f]\{16\}/' <<< "$bo")
	assert_equal "$(code "${ana/\/$ta\///${tb:1}}")" 403
	# bo's refund: the site's --revoke and reload; bo is cut off, ana plays on
	printf 'subject,path\nbo@example.com,/live/ev42/index.m3u8\n' > "$T/refunds.csv"
	revoke
	assert_equal "$(grep -c ' 1;$' "$T/ngx/ppv-revoked.map")" 1
	assert_equal "$(code "$bo")" 403
	assert_equal "$(code "${bo%index.m3u8}index0.ts")" 403
	assert_equal "$(code "$ana")" 200
	assert_equal "$(code "${ana%index.m3u8}index0.ts")" 200
	# check mode agrees with nginx
	run ppv-mint -c -f nginx -k "$T/event.key" --token-path /t --nginx-expr '$secure_link_expires$ppv_dir$ppv_ticket $secret' \
		--revoked "$T/ngx/ppv-revoked.map" <<< "$ana
$bo"
	assert_failure 1
	assert_line -n 0 "$ana: OK"
	assert_line -n 1 "$bo: FAIL revoked"
	# the access log names both tickets: the audit finds both, neither shared
	nginx_stop "$T/ngx"
	run ppv-mint --audit "$T/ngx/access.log"
	assert_success
	assert_line -n 0 'ticket,networks,overlaps,requests,first_seen,last_seen,verdict'
	assert_equal "$(grep -c ',ok$' <<< "$output")" 2
}

@test "a month's refunds and chargebacks, as ppv-earnings reads them, revoke those buyers' tickets; the map keeps earlier ones" {
	mkdir -p "$T/www/live/ev42"
	echo '#EXTM3U' > "$T/www/live/ev42/index.m3u8"
	nginx_site
	for b in ana bo chen dara; do
		eval "$b=\$(ticket ev42 '' $b@example.com)"
	done
	printf 'subject,path\nearlier@example.com,/live/ev42/index.m3u8\n' > "$T/refunds.csv"
	revoke
	# the month's events: bo refunded, chen charged back, ana and dara kept their tickets
	cat > "$T/events.csv" <<-CSV
	event_id,time,creator_id,kind,amount,currency,viewer_id,ref_event_id
	s1,2026-11-02T10:00:00Z,c1,ticket,10.00,USD,ana@example.com,
	s2,2026-11-02T10:01:00Z,c1,ticket,10.00,USD,bo@example.com,
	s3,2026-11-02T10:02:00Z,c1,ticket,10.00,USD,chen@example.com,
	s4,2026-11-02T10:03:00Z,c1,ticket,10.00,USD,dara@example.com,
	r1,2026-11-03T09:00:00Z,c1,refund,10.00,USD,bo@example.com,s2
	r2,2026-11-20T09:00:00Z,c1,chargeback,10.00,USD,chen@example.com,s3
	CSV
	gzip -k "$T/events.csv"
	# the pipeline the man page gives
	ppv-mint -f nginx -k "$T/event.key" --revoke --path /live/ev42/ -o "$T/ngx/ppv-revoked.map" "$T/events.csv.gz"
	nginx_reload "$T/ngx"
	assert_equal "$(grep -c ' 1;$' "$T/ngx/ppv-revoked.map")" 3
	assert_equal "$(code "$ana") $(code "$bo") $(code "$chen") $(code "$dara")" "200 403 403 200"
	# and ppv-earnings reads the same file
	run ppv-earnings -q -m 2026-11 "$T/events.csv.gz"
	assert_success
	nginx_stop "$T/ngx"
}

@test "ppv-nginx-reload is back once the old workers have exited; one still sending past --wait, or a reload the master fails, is exit 1; a refused configuration, no master: exit 2" {
	NPORT=$(free_port)
	mkdir -p "$T/ngx" "$T/www"
	truncate -s 256M "$T/www/big"
	nginx_start "$T/ngx" "$NPORT" "server { listen 127.0.0.1:$NPORT; root $T/www; }" \
		"user $(id -un) $(id -gn); worker_processes 1;"
	master=$(cat "$T/ngx/nginx.pid")
	reload() {
		"$EX/ppv-nginx-reload" "$@" --pid "$T/ngx/nginx.pid" -c "$T/ngx/nginx.conf" -e "$T/ngx/error.log"
	}
	old=$(pgrep -P "$master")
	run reload
	assert_success
	assert_output ''
	run kill -0 "$old"
	assert_failure
	new=$(pgrep -P "$master")
	assert_not_equal "$new" ''
	assert_not_equal "$new" "$old"
	# a response being sent to a client that reads no more keeps its worker
	exec 7<> "/dev/tcp/127.0.0.1/$NPORT"
	printf 'GET /big HTTP/1.1\r\nHost: x\r\n\r\n' >&7
	read -r line <&7
	assert_equal "${line%$'\r'}" 'HTTP/1.1 200 OK'
	run reload --wait 1
	assert_failure 1
	assert_output "ppv-nginx-reload: after 1 s, workers from before the reload still run: $new (a request they hold, or a reload nginx failed: see its error log)"
	exec 7>&-
	run reload
	assert_success
	run kill -0 "$new"
	assert_failure
	# nginx parses the configuration first: one it refuses is never signalled
	cp "$T/ngx/nginx.conf" "$T/ngx/good.conf"
	echo 'bogus;' >> "$T/ngx/nginx.conf"
	run reload
	assert_failure 2
	assert_output --partial 'unknown directive "bogus"'
	cp "$T/ngx/good.conf" "$T/ngx/nginx.conf"
	# one the master fails to apply (its port taken) leaves the old workers serving
	BPORT=$(free_port)
	$PY -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); open(sys.argv[2], "w").close(); time.sleep(300)' \
		"$BPORT" "$T/bound" 3>&- &
	echo $! >> "$T/pids"
	for _ in $(seq 100); do [ -e "$T/bound" ] && break; sleep 0.1; done
	run test -e "$T/bound"
	assert_success
	sed -i "s|root $T/www; }|root $T/www; } server { listen 127.0.0.1:$BPORT; }|" "$T/ngx/nginx.conf"
	held=$(pgrep -P "$master")
	run reload --wait 2
	assert_failure 1
	assert_output "ppv-nginx-reload: after 2 s, workers from before the reload still run: $held (a request they hold, or a reload nginx failed: see its error log)"
	run grep -c "bind() to 127.0.0.1:$BPORT failed" "$T/ngx/error.log"
	assert_success
	nginx_stop "$T/ngx"
	sh -c 'echo $$' > "$T/gone.pid"
	run "$EX/ppv-nginx-reload" --pid "$T/gone.pid"
	assert_failure 2
	assert_output "ppv-nginx-reload: $T/gone.pid: no nginx master runs as $(cat "$T/gone.pid")"
	run "$EX/ppv-nginx-reload" --wait soon
	assert_failure 2
	assert_output "ppv-nginx-reload: --wait: 'soon' is not a whole number of seconds"
}

@test "the nginx site with njs: one network at a time per ticket, first wins; a phone changing networks waits one lease at most" {
	mkdir -p "$T/www/live/ev42" "$T/www/vod/ev42"
	printf '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.000,\nindex0.ts\n' > "$T/www/live/ev42/index.m3u8"
	echo seg > "$T/www/live/ev42/index0.ts"
	cp "$T/www/live/ev42/"* "$T/www/vod/ev42/"
	# 127.0.0.1 and 127.0.0.2 share a /24: counted by the whole address here
	SITE_SED='s|set $ppv_screen_v4_prefix 24;|set $ppv_screen_v4_prefix 32;|' nginx_site
	from() { curl -s --interface "$1" -o /dev/null -w '%{http_code}' "$2"; }
	ana=$(ticket ev42 '' ana@example.com)
	bo=$(ticket ev42 '' bo@example.com)
	seg=${ana%index.m3u8}index0.ts
	assert_equal "$(from 127.0.0.1 "$ana")" 200
	# the same ticket from a second network while the first watches: its
	# segments refused, with a status players retry and when to; the
	# playlist, useless without them, served
	assert_equal "$(from 127.0.0.2 "$seg")" 503
	run curl -s --interface 127.0.0.2 -D - -o /dev/null "$seg"
	assert_line --regexp '^[Rr]etry-[Aa]fter: 4'
	assert_line --regexp '^[Aa]ccess-[Cc]ontrol-[Aa]llow-[Oo]rigin: \*'
	assert_equal "$(from 127.0.0.2 "$ana")" 200
	# the first plays on; another buyer on the second network is another ticket
	assert_equal "$(from 127.0.0.1 "$seg")" 200
	assert_equal "$(from 127.0.0.2 "$bo")" 200
	# a VOD is not a live event: no rule
	vod=$(ppv-mint -f nginx -k "$T/event.key" -t 1h -u "http://127.0.0.1:$NPORT" --token-path /t \
		--nginx-expr '$secure_link_expires$ppv_dir$ppv_ticket $secret' --sub ana@example.com /vod/ev42/index.m3u8)
	assert_equal "$(from 127.0.0.1 "$vod") $(from 127.0.0.2 "$vod")" "200 200"
	# the phone moves: 127.0.0.1 falls silent, 127.0.0.2 asks every 0.2 s and
	# is let in within one lease (4 s) of the last request from 127.0.0.1
	from 127.0.0.1 "$seg" > /dev/null
	t0=$(date +%s%N)
	assert_equal "$(from 127.0.0.2 "$seg")" 503
	for _ in $(seq 100); do
		[ "$(from 127.0.0.2 "$seg")" = 200 ] && break
		sleep 0.2
	done
	t1=$(date +%s%N)
	assert_equal "$(from 127.0.0.2 "$seg")" 200
	waited=$(( (t1 - t0) / 1000000 ))
	assert_num "$waited" -le 6000
	# and now the first network is the second one
	assert_equal "$(from 127.0.0.1 "$seg")" 503
	nginx_stop "$T/ngx"
	# the 503s are in the access log, by ticket, for the audit
	assert_num "$(grep -c '" 503 ' "$T/ngx/access.log")" -ge 3
}

@test "the nginx site with njs: hls.js refused a second network's segments (503) retries them and plays on once the lease is its own" {
	mkdir -p "$T/www/live/ev42"
	ppv-ingest --test-source --duration 16 --size 320x180 > "$T/ev.ts"
	ppv-segment -q -m vod -t 2 -o "$T/www/live/ev42" "$T/ev.ts"
	SITE_SED='s|set $ppv_screen_v4_prefix 24;|set $ppv_screen_v4_prefix 32;|' nginx_site
	ana=$(ticket ev42 '' ana@example.com)
	seg=${ana%index.m3u8}index0.ts
	# the ticket is watched from 127.0.0.2 until the player on 127.0.0.1 has
	# been refused a segment, then that screen goes quiet (a phone leaving Wi-Fi)
	(for _ in $(seq 150); do
		grep -q '^127\.0\.0\.1 .*" 503 ' "$T/ngx/access.log" 2>/dev/null && break
		curl -s --interface 127.0.0.2 -o /dev/null "$seg"
		sleep 0.2
	done) &
	other=$!
	serve "$T/www"
	run play "$ana" 60
	stop_server
	wait $other
	nginx_stop "$T/ngx"
	assert_success
	refute_output --partial ':fatal'
	$PY -c 'import json, sys; r = json.loads(sys.argv[1]); assert len(r["frags"]) >= 5 and r["currentTime"] > 10, r' "$output"
	assert_num "$(grep -c '^127\.0\.0\.1 .*" 503 ' "$T/ngx/access.log")" -ge 1
}
