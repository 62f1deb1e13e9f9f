#!/usr/bin/env bats
# Every example in the README and in the man page's EXAMPLES runs as
# written, so the documentation cannot drift from the program.

load helpers

ROOT=$BATS_TEST_DIRNAME/..

# Files the examples name, made valid so each example succeeds.
fixtures() {
	cd "$T"
	umask 077
	ppv-mint --genkey -f nginx > event.key
	cp nginx.key nginx.key.tmp && mv nginx.key.tmp nginx.key
	echo "k1 $(ppv-mint --genkey)" > jwt.key
	echo "cdn-key $(ppv-mint --genkey -f gcdn)" > gcdn.key
	ppv-mint --genkey -f fastly > fastly.key
	echo 6a1c3f0e-5b7d-4c3e-9a51-2f8e7d6c5b4a > bunny.key
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out cloudfront.pem 2>/dev/null
	cp cloudfront.pem mux.pem && cp cloudfront.pem stream.pem
	umask 022
	printf 'subject,path\nfan-1,/live/ev1/index.m3u8\n"Doe, Jane",/live/ev1/index.m3u8\n' > buyers.csv
	cp buyers.csv subscribers.csv
	ppv-mint -f nginx -k event.key -t 4h -u https://cdn.example.com < buyers.csv > tickets.csv
	ppv-mint -f akamai -k akamai.key -t 1h -a '/live/ev1/*' | gzip > tokens.txt.gz
	ppv-mint -f nginx -k nginx.key --ip 203.0.113.7 -t 1h -u http://h /live/ev1/a.ts | gzip > urls.txt.gz
	ppv-ingest --test-source --duration 1 --size 160x120 | ffmpeg -v error -i - -c copy -f flv recording.flv
	# a 50 s event, cued, and its recording as HLS, with an ad and a catalog
	ppv-ingest --test-source --duration 50 --size 160x120 > event.ts
	ppv-splice inject --at 20/10 < event.ts > cued.ts
	mkdir -p vod/ev1 vod/ev2 ad
	ffmpeg -v error -i event.ts -c copy -f hls -hls_time 4 -hls_playlist_type vod vod/ev1/index.m3u8
	cp vod/ev1/*.ts vod/ev2/ && cp vod/ev1/index.m3u8 vod/ev2/
	ppv-ingest --test-source --duration 4 --size 160x120 |
		ffmpeg -v error -i - -c copy -f hls -hls_time 2 -hls_playlist_type vod ad/index.m3u8
	printf 'ad_id,playlist,duration,advertiser,cpm,targeting\nspring,ad/index.m3u8,4,Acme,12.50,^country=US$\n' > ads.csv
	printf 'at,duration\n8,8\n' > breaks.csv
	# a month of sales in two files, the tables a payout run reads
	$PY "$BATS_TEST_DIRNAME/lib/gen-events.py" 3000 4 --currencies USD,EUR > events.csv
	{ head -1 events.csv; sed -n '2,1500p' events.csv; } | gzip > events-2026-10-01.csv.gz
	{ head -1 events.csv; sed -n '1501,$p' events.csv; } | gzip > events-2026-10-02.csv.gz
	$PY -c "
print('creator_id,name,country,currency')
for i in range(200): print(f'c{i:04d},Creator {i},FR,{\"USD\" if i % 2 == 0 else \"EUR\"}')" > creators.csv
	cp "$BATS_TEST_DIRNAME/data/earnings/fees.csv" "$BATS_TEST_DIRNAME/data/earnings/fx.csv" .
	printf 'creator_id,currency,balance\nc0000,USD,12.00\nc0001,EUR,-3.00\n' > 2026-09.balances
	(umask 077; echo "creator7 k3y" > stream.keys)
	# a month of events, and a day of nginx's access log of honest viewers
	cp events-2026-10-01.csv.gz events-2026-11.csv.gz
	$PY "$BATS_TEST_DIRNAME/lib/gen-access-log.py" --scenario | grep -v aaaaaaaaaaaaaaaa > ppv-access.log.1
}

# Shell lines of a document's examples: backslash continuations joined.
examples() {
	awk '
		/^```sh$/ { code = 1; next }  /^```$/ { code = 0; next }
		/^\.Bd -literal/ { code = 1; next }  /^\.Ed$/ { code = 0; next }
		code {
			gsub(/\\e$/, "\\"); gsub(/\\e/, "\\")
			if (sub(/\\$/, "") || /\|$/) { line = line $0 " "; next }
			print line $0; line = ""
		}' "$1" | sed 's/^ *//' | grep -E 'ppv-(mint|ingest|splice|segment|earnings|transcode)' | grep -vE '^(make|sudo|hadoop|dask-[a-z]+|ppv-earnings-dask) |\.pipe\(' || true
}

# An example that waits for a publisher: it runs in a directory of its own
# (its output must not replace the fixtures), with a free port for 1935 and
# the system directories under $T (the keys and a creator's breaks where the
# front door's examples look for them), a real ffmpeg publishes a second of
# video with the key in stream.keys, and SIGTERM ends the wait for a
# reconnect (the front door's own, which passes it on to the streams).
run_listener() {
	local cmd=$1 port pid
	port=$(free_port)
	cmd=${cmd//1935/$port}
	cmd=${cmd//\/var\/www/$T/var/www}
	cmd=${cmd//\/srv/$T/srv}
	cmd=${cmd//\/etc\/ppv/$T/listen/etc}
	cmd=${cmd//\/var\/log\/ppv/$T/listen/log}
	mkdir -p "$T/listen/etc" "$T/listen/breaks" "$T/listen/log" "$T/srv/recordings"
	cp -p stream.keys "$T/listen/" && cp -p stream.keys "$T/listen/etc/"
	cp breaks.csv "$T/listen/breaks/creator7.csv" && cp breaks.csv "$T/listen/etc/creator7.breaks"
	(cd "$T/listen" && exec bash -c "$cmd") 2> listen.err 3>&- &
	pid=$!
	for _ in $(seq 100); do grep -qE 'waiting for a publisher|serving every creator' listen.err && break; sleep 0.1; done
	ffmpeg -nostdin -v error -re -i recording.flv -c copy -f flv "rtmp://127.0.0.1:$port/live/k3y" ||
		fail "publishing to: $cmd"
	for _ in $(seq 50); do grep -q 'stopped publishing' listen.err && break; sleep 0.1; done
	if [[ $cmd == *" --exec "* || $cmd == *" --record "* ]]; then
		kill -TERM "$pid"
	else
		pkill -TERM -P "$pid" -x ppv-ingest || true
	fi
	wait "$pid" || fail "example failed ($?): $cmd
$(cat listen.err)"
	grep -q 'creator7 is live' listen.err || fail "no publisher got in: $cmd"
}

run_examples() {
	local n=0
	fixtures
	while IFS= read -r cmd; do
		if [[ $cmd == *" -l "* ]]; then
			run_listener "$cmd" < /dev/null
			n=$((n + 1))
			continue
		fi
		# nginx's files are this test's; there is no nginx here to reload
		cmd=${cmd//\/etc\/nginx\/ppv-revoked.map/$T/ppv-revoked.map}
		cmd=${cmd//\/var\/log\/nginx\//$T/}
		cmd=${cmd//nginx -s reload/:}
		run bash -c "$cmd" < /dev/null
		[ "$status" -eq 0 ] || fail "example failed ($status): $cmd
$output"
		n=$((n + 1))
	done < <(examples "$1")
	[ "$n" -gt 0 ] || fail "no example found in $1"
}

@test "the README's examples run" {
	run_examples "$ROOT/README.md"
}

@test "the ppv-mint(1) EXAMPLES run" {
	run_examples "$ROOT/man/ppv-mint.1"
}

@test "the ppv-ingest(1) EXAMPLES run" {
	run_examples "$ROOT/man/ppv-ingest.1"
}

@test "the ppv(7) EXAMPLES run" {
	run_examples "$ROOT/man/ppv.7"
}

@test "the ppv-splice(1) EXAMPLES run" {
	run_examples "$ROOT/man/ppv-splice.1"
}

@test "the ppv-segment(1) EXAMPLES run" {
	run_examples "$ROOT/man/ppv-segment.1"
}

@test "the ppv-earnings(1) EXAMPLES run" {
	run_examples "$ROOT/man/ppv-earnings.1"
}

@test "the ppv-transcode(1) EXAMPLES run" {
	run_examples "$ROOT/man/ppv-transcode.1"
}
