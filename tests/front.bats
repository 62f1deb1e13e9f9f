#!/usr/bin/env bats
# ppv-ingest -l --exec, the front door: every creator on one port, each live
# stream piped into a pipeline of its own; real ffmpeg publishers, and hostile
# clients from tests/lib/rtmpclient.py.

load helpers

RTMP_CLIENT=$BATS_TEST_DIRNAME/lib/rtmpclient.py

setup_file() {
	export FIX=$(mktemp -d /tmp/ppv-front-fix.XXXXXX)
	"${PPV_BIN:-$BATS_TEST_DIRNAME/../bin}/ppv-ingest" --test-source --duration 4 --size 320x240 > "$FIX/src.ts"
	ffmpeg -v error -i "$FIX/src.ts" -c copy -f flv "$FIX/src.flv"
}

teardown_file() {
	rm -rf "$FIX"
}

per_test() {
	(umask 077; for i in $(seq 8); do echo "c$i key-$i-$RANDOM$RANDOM"; done > "$T/keys")
	PORT=$(free_port)
	export OUT="$T/out"
	mkdir "$OUT"
}

# the server and clients a test left running, when it failed before stopping them
per_test_end() {
	if [ -s "$T/pids" ]; then kill $(cat "$T/pids") 2>/dev/null || true; fi
}

key() {
	awk -v n="$1" '$1 == n { print $2 }' "$T/keys"
}

# The front door with options "$@", each stream's TS into $OUT/NAME.ts and
# its environment into $OUT/NAME.env; returns once it listens.
front() {
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" "$@" \
		--exec 'cat > "$OUT/$PPV_NAME.ts"; echo "$PPV_NAME $PPV_REMOTE $PPV_APP" > "$OUT/$PPV_NAME.env"' 2> "$T/err" &
	server=$!
	echo $server >> "$T/pids"
	for _ in $(seq 100); do grep -q 'serving every creator' "$T/err" 2>/dev/null && return 0; sleep 0.1; done
	fail "ppv-ingest never listened: $(cat "$T/err")"
}

publish() {
	ffmpeg -v error -re -i "$FIX/src.flv" -c copy -f flv "rtmp://127.0.0.1:$PORT/live/$(key "$1")"
}

# until the log has a line matching $1
logged() {
	for _ in $(seq 150); do grep -q "$1" "$T/err" && return 0; sleep 0.1; done
	fail "never logged '$1': $(cat "$T/err")"
}

# the server stopped as a service manager would, and waited for
stop_front() {
	kill -TERM $server
	wait $server
}

pushed() {
	local d
	d=$(duration "$OUT/$1.ts")
	awk -v d="$d" -v want="$2" 'BEGIN { exit !(d > want - 0.4 && d < want + 0.4) }' ||
		fail "$1: duration $d, pushed $2"
}

@test "--exec goes with -l, and not with -o or --timeout" {
	run -2 ppv-ingest --exec cat "$FIX/src.flv"
	assert_output --partial "--exec goes with -l"
	run -2 ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --exec cat -o "$T/x.ts"
	assert_output --partial "-o and --timeout are for one publisher"
	run -2 ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --exec cat --timeout 5
	assert_output --partial "-o and --timeout are for one publisher"
}

@test "--record: each creator's stream in a file of its own, .part until it ends, one file across a reconnect; with --exec, the same bytes as the pipeline's" {
	mkdir "$T/rec"
	# recording only: no pipeline
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --grace 8 --record "$T/rec" 2> "$T/err" &
	server=$!
	echo $server >> "$T/pids"
	logged 'serving every creator'
	publish c1 &
	p1=$!
	publish c2
	wait $p1
	# a file that is being written says so
	run ls "$T/rec"
	assert_line --regexp '^c1-[0-9]{8}T[0-9]{6}Z\.ts\.part$'
	# c2 comes back within --grace: the same recording goes on
	publish c2
	logged "^ppv-ingest: c1: recorded $T/rec/c1-[0-9]*T[0-9]*Z\.ts$"
	logged "^ppv-ingest: c2: recorded $T/rec/c2-[0-9]*T[0-9]*Z\.ts$"
	stop_front
	run ls "$T/rec"
	assert_equal "$(echo "$output" | sed 's/-[0-9]*T[0-9]*Z//' | paste -sd' ')" "c1.ts c2.ts"
	cp "$T/rec"/c1-*.ts "$OUT/c1.ts"
	cp "$T/rec"/c2-*.ts "$OUT/c2.ts"
	pushed c1 4
	pushed c2 8
	assert_equal "$(codecs "$OUT/c1.ts")" "aac h264 "
	# a pipeline and a recording at once: byte for byte the same stream
	rm -f "$T/rec"/* "$OUT"/*
	front --grace 1 --record "$T/rec"
	publish c3
	logged "^ppv-ingest: c3: recorded "
	stop_front
	cmp "$T/rec"/c3-*.ts "$OUT/c3.ts"
	# a recording never goes over another: the names of the next minute taken, c4's gets -2
	rm -f "$T/rec"/*
	now=$(date +%s)
	for i in $(seq 0 60); do touch "$T/rec/c4-$(date -u -d @$((now + i)) +%Y%m%dT%H%M%SZ).ts"; done
	front --grace 1 --record "$T/rec"
	publish c4
	logged "^ppv-ingest: c4: recorded "
	stop_front
	run find "$T/rec" -type f -size +0
	assert_output --regexp "^$T/rec/c4-[0-9]{8}T[0-9]{6}Z-2\.ts$"
	# what --record needs
	run -2 ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --record "$T/none"
	assert_output "ppv-ingest: --record: $T/none: not a directory this user can write in"
	run -2 ppv-ingest --record "$T/rec" "$FIX/src.flv"
	assert_output --partial "--record goes with -l or --inetd"
}

@test "eight creators at once through one port, each into its own pipeline, while 50 idle sockets, a drip and a client that never reads stay connected" {
	front --grace 1 --stats "$T/stats"
	$PY "$RTMP_CLIENT" hold $PORT "$T/held" $(seq -f '127.0.1.%g' 50) &
	echo $! >> "$T/pids"
	FROM=127.0.0.2 $PY "$RTMP_CLIENT" drip $PORT 8 &
	echo $! >> "$T/pids"
	FROM=127.0.0.3 $PY "$RTMP_CLIENT" flood $PORT &
	echo $! >> "$T/pids"
	for _ in $(seq 100); do [ ! -e "$T/held" ] || break; sleep 0.1; done
	assert [ -e "$T/held" ]
	for i in $(seq 8); do
		publish c$i &
		echo $! > "$T/pub$i"
	done
	for i in $(seq 8); do
		wait "$(cat "$T/pub$i")" || fail "publisher c$i failed: $(cat "$T/err")"
	done
	# each pipeline ends when its creator has not come back within --grace
	for i in $(seq 8); do logged "^ppv-ingest: c$i: pipeline ended: exit status 0$"; done
	stop_front
	for i in $(seq 8); do
		pushed c$i 4
		assert_equal "$(codecs "$OUT/c$i.ts")" "aac h264 "
		run cat "$OUT/c$i.env"
		assert_output --regexp "^c$i 127\.0\.0\.1:[0-9]+ live$"
	done
	# the stats: lines for each stream, by name, ending with a final one
	for i in $(seq 8); do
		run grep -c "^{\"time\":\"[^\"]*\",\"name\":\"c$i\",\"remote\":\"127\.0\.0\.1:[0-9]*\",.*\"keyframe_interval\":.*\"reconnects\":0,.*\"final\":true}$" "$T/stats"
		assert_output 1
	done
	run -1 grep "wrong stream key" "$T/err"
}

@test "a second publisher on a live key is refused; past --stale a new one takes over, continuing the same pipeline" {
	front --grace 1 --stale 3
	# an encoder that published and then went silent (its network, say)
	$PY "$RTMP_CLIENT" silent $PORT "$(key c1)" &
	echo $! >> "$T/pids"
	logged "c1 is live$"
	run publish c1
	assert_failure
	logged "^ppv-ingest: 127.0.0.1:[0-9]*: refused: c1 is live already, from 127.0.0.1:[0-9]*$"
	sleep 3
	publish c1
	logged "^ppv-ingest: c1: pipeline ended: exit status 0$"
	stop_front
	run grep -c "^ppv-ingest: 127.0.0.1:[0-9]*: c1 sent nothing for 3 s: 127.0.0.1:[0-9]* takes over$" "$T/err"
	assert_output 1
	grep -q "^ppv-ingest: 127.0.0.1:[0-9]*: c1 is live again$" "$T/err"
	run grep -c "pipeline ended" "$T/err"
	assert_output 1
	pushed c1 4
}

@test "a creator back within --grace continues one pipeline, timestamps continuous; its exit status is logged" {
	# a grace that outlasts an encoder restarting on a loaded machine
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --grace 8 --exec 'cat > "$OUT/$PPV_NAME.ts"; exit 3' 2> "$T/err" &
	server=$!
	echo $server >> "$T/pids"
	logged 'serving every creator'
	publish c2
	sleep 1
	publish c2
	logged "^ppv-ingest: c2: pipeline ended: exit status 3$"
	stop_front
	grep -q "^ppv-ingest: 127.0.0.1:[0-9]*: c2 is live again$" "$T/err"
	pushed c2 8
	run ffprobe -v error -select_streams v -show_entries packet=dts -of csv=p=0 "$OUT/c2.ts"
	assert_success
	echo "$output" | tr -d ',' | grep . | awk 'NR > 1 && $1 + 0 <= prev + 0 { print "dts " $1 " after " prev } { prev = $1 }' > "$T/back"
	assert_equal "$(cat "$T/back")" ""
}

@test "SIGHUP: a new key gets in; a removed one goes off the air, its pipeline ended; a wrong key is refused" {
	printf 'c1 %s\n' "$(key c1)" > "$T/keys1"
	cp "$T/keys" "$T/all"
	cp "$T/keys1" "$T/keys"
	front --grace 30
	run publish c2
	assert_failure
	logged "^ppv-ingest: 127.0.0.1:[0-9]*: refused: wrong stream key$"
	cp "$T/all" "$T/keys"
	kill -HUP $server
	logged "keys: 8 keys$"
	# c2, live a long while, then taken out
	ffmpeg -v error -re -stream_loop 4 -i "$FIX/src.flv" -c copy -f flv "rtmp://127.0.0.1:$PORT/live/$(key c2)" &
	echo $! >> "$T/pids"
	logged "c2 is live$"
	sleep 2
	cp "$T/keys1" "$T/keys"
	kill -HUP $server
	# off the air at once, not after --grace
	logged "^ppv-ingest: c2: its key was removed: off the air$"
	logged "^ppv-ingest: c2: pipeline ended: exit status 0$"
	stop_front
	d=$(duration "$OUT/c2.ts")
	awk -v d="$d" 'BEGIN { exit !(d > 1 && d < 10) }' || fail "duration $d: not cut short"
	assert_equal "$(codecs "$OUT/c2.ts")" "aac h264 "
}

@test "a publisher sending garbage after publish ends its own pipeline only" {
	front --grace 1
	publish c1 &
	good=$!
	echo $good >> "$T/pids"
	$PY "$RTMP_CLIENT" garbage $PORT "$(key c2)"
	logged "^ppv-ingest: c2: pipeline ended: exit status 0$"
	wait $good
	logged "^ppv-ingest: c1: pipeline ended: exit status 0$"
	stop_front
	pushed c1 4
	assert_equal "$(codecs "$OUT/c1.ts")" "aac h264 "
	grep "c2" "$T/err" > "$T/c2"
	run cat "$T/c2"
	assert_line --regexp "^ppv-ingest: 127\.0\.0\.1:[0-9]+: c2 is live$"
	# what was wrong with it, said (random bytes: a chunk no header began, say)
	assert_line --regexp "^ppv-ingest: 127\.0\.0\.1:[0-9]+: c2: [a-z]"
	assert_line "ppv-ingest: c2: the input has no packets"
}

@test "a live publisher that sends nothing for 10 s is let go: said, and its pipeline ended after --grace" {
	front --grace 1
	# published, then silent: its network gone without a reset, say
	$PY "$RTMP_CLIENT" silent $PORT "$(key c1)" &
	echo $! >> "$T/pids"
	logged "c1 is live$"
	logged "^ppv-ingest: 127.0.0.1:[0-9]*: c1 sent nothing for 10 s$"
	logged "^ppv-ingest: c1: pipeline ended: exit status 0$"
	stop_front
	run grep -c "^ppv-ingest: 127.0.0.1:[0-9]*: c1 stopped publishing; waiting 1 s for it to come back$" "$T/err"
	assert_output 1
}

@test "--inetd under systemd-socket-activate: a process a connection, two creators at once, a wrong key refused" {
	run -2 ppv-ingest --inetd -K "$T/keys"
	assert_output "ppv-ingest: --inetd needs --exec COMMAND or --record DIR: standard output is the connection"
	run -2 ppv-ingest --inetd -K "$T/keys" --exec cat < /dev/null
	assert_output --partial "ppv-ingest: --inetd: standard input is not a connected socket"
	systemd-socket-activate -l 127.0.0.1:$PORT -a --inetd -E OUT -E PATH \
		"$(command -v ppv-ingest)" --inetd -K "$T/keys" \
		--exec 'cat > "$OUT/$PPV_NAME.ts"; echo "$PPV_NAME $PPV_REMOTE $PPV_APP" > "$OUT/$PPV_NAME.env"' 2> "$T/err" &
	server=$!
	echo $server >> "$T/pids"
	logged "Listening on 127.0.0.1:$PORT"
	publish c1 &
	echo $! > "$T/pub1"
	publish c2
	wait "$(cat "$T/pub1")"
	run publish nope
	assert_failure
	logged "^ppv-ingest: c1: pipeline ended: exit status 0$"
	logged "^ppv-ingest: c2: pipeline ended: exit status 0$"
	logged "^ppv-ingest: 127.0.0.1:[0-9]*: refused: wrong stream key$"
	kill $server
	wait $server || true
	for i in 1 2; do
		pushed c$i 4
		run cat "$OUT/c$i.env"
		assert_output --regexp "^c$i 127\.0\.0\.1:[0-9]+ live$"
	done
	# no grace: nothing else can come back to a connection's own process
	run grep -c "stopped publishing$" "$T/err"
	assert_output 2
}

@test "--inetd names the address the super-server gives: systemd's REMOTE_ADDR, tcpserver's TCPREMOTEIP" {
	for env in "REMOTE_ADDR=192.0.2.7 REMOTE_PORT=4000" "TCPREMOTEIP=2001:db8::9 TCPREMOTEPORT=5000"; do
		PORT=$(free_port)
		: > "$T/err"
		set -- $env
		systemd-socket-activate -l 127.0.0.1:$PORT -a --inetd -E OUT -E PATH -E "$1" -E "$2" \
			"$(command -v ppv-ingest)" --inetd -K "$T/keys" \
			--exec 'cat > "$OUT/$PPV_NAME.ts"; echo "$PPV_REMOTE" > "$OUT/$PPV_NAME.env"' 2> "$T/err" &
		server=$!
		echo $server >> "$T/pids"
		logged "Listening on 127.0.0.1:$PORT"
		publish c1
		logged "^ppv-ingest: c1: pipeline ended: exit status 0$"
		kill $server
		wait $server || true
		cat "$OUT/c1.env" >> "$T/remotes"
		grep "c1 is live" "$T/err" >> "$T/lines"
	done
	assert_equal "$(cat "$T/remotes")" "$(printf '192.0.2.7:4000\n[2001:db8::9]:5000')"
	assert_equal "$(cat "$T/lines")" "$(printf 'ppv-ingest: 192.0.2.7:4000: c1 is live\nppv-ingest: [2001:db8::9]:5000: c1 is live')"
}
