#!/usr/bin/env bats
# ppv-ingest with real peers: the ffmpeg CLI publishing over RTMP and SRT,
# ffprobe and ffmpeg reading what comes out.

load helpers

setup_file() {
	export FIX=$(mktemp -d /tmp/ppv-ingest-fix.XXXXXX)
	"${PPV_BIN:-$BATS_TEST_DIRNAME/../bin}/ppv-ingest" --test-source --duration 4 --size 320x240 > "$FIX/src.ts"
	ffmpeg -v error -i "$FIX/src.ts" -c copy -f flv "$FIX/src.flv"
}

RTMP_CLIENT=$BATS_TEST_DIRNAME/lib/rtmpclient.py

teardown_file() {
	rm -rf "$FIX"
}

# the clients a test left running, when it failed before stopping them
per_test_end() {
	if [ -s "$T/pids" ]; then kill $(cat "$T/pids") 2>/dev/null || true; fi
}

per_test() {
	(umask 077; printf '# creators\ncreator7 sekrit-key-123\nevent9 another-key-456\n' > "$T/keys")
	PORT=$(free_port)
}

# dts of the video stream never repeat or go back
monotonic() {
	ffprobe -v error -select_streams v -show_entries packet=dts -of csv=p=0 "$1" | tr -d ',' | grep . |
		awk 'NR > 1 && $1 + 0 <= prev + 0 { bad++ } { prev = $1 } END { exit bad > 0 }'
}

# until the listener says it is waiting (it logs once its socket listens)
listening() {
	for _ in $(seq 100); do grep -q 'waiting for a publisher' "$T/err" 2>/dev/null && return 0; sleep 0.1; done
	fail "ppv-ingest never listened: $(cat "$T/err")"
}

publish() {
	ffmpeg -v error -re -i "$FIX/src.flv" -c copy -f flv "rtmp://127.0.0.1:$PORT/live/$1"
}

@test "--help and --version exit 0; no mode is a usage error" {
	run ppv-ingest --help
	assert_success
	assert_line --partial "usage: ppv-ingest [-o FILE]"
	run ppv-ingest --version
	assert_output --regexp '^ppv-ingest \(ppv\) '
	run ppv-ingest
	assert_failure 2
}

@test "the test source decodes without errors as H.264 and AAC" {
	run bash -c "ppv-ingest --test-source --duration 2 --size 320x240 | ffmpeg -v error -i - -f null - 2>&1"
	assert_success
	assert_output ""
	assert_equal "$(codecs "$FIX/src.ts")" "aac h264 "
}

@test "an ffmpeg publisher with the right key comes out as H.264 + AAC of the pushed duration" {
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 20 --grace 1 -o "$T/out.ts" 2> "$T/err" &
	pid=$!
	listening
	publish sekrit-key-123
	wait $pid
	assert_equal "$(codecs "$T/out.ts")" "aac h264 "
	d=$(duration "$T/out.ts")
	awk -v d="$d" 'BEGIN { exit !(d > 3.8 && d < 4.2) }' || fail "duration $d, pushed 4"
	grep -q "creator7 is live" "$T/err"
	run ! grep -q sekrit "$T/err"
}

@test "GStreamer's rtmp2sink ends its publish cleanly: unpublish answered, the publisher closes first" {
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 20 --grace 1 -o "$T/out.ts" 2> "$T/err" &
	pid=$!
	listening
	run timeout 120 gst-launch-1.0 -q videotestsrc num-buffers=90 ! video/x-raw,width=320,height=240,framerate=30/1 ! \
		x264enc tune=zerolatency key-int-max=30 ! h264parse ! flvmux name=m streamable=true ! \
		rtmp2sink location=rtmp://127.0.0.1:$PORT/live/sekrit-key-123 audiotestsrc num-buffers=130 ! voaacenc ! aacparse ! m.
	assert_success
	refute_output --partial 'closed remotely'
	wait $pid
	assert_equal "$(codecs "$T/out.ts")" "aac h264 "
	d=$(duration "$T/out.ts")
	awk -v d="$d" 'BEGIN { exit !(d > 2.8 && d < 3.2) }' || fail "duration $d, pushed 3"
}

@test "a wrong key: ffmpeg fails, nothing is output, the remote address is named, exit 1" {
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 3 > "$T/out.ts" 2> "$T/err" &
	pid=$!
	listening
	run publish wrong-key
	assert_failure
	rc=0; wait $pid || rc=$?
	assert_equal "$rc" 1
	[ ! -s "$T/out.ts" ]
	grep -q "^ppv-ingest: 127.0.0.1:[0-9]*: refused: wrong stream key$" "$T/err"
	grep -q "no publisher with a valid stream key within 3 s" "$T/err"
}

@test "a wrong key first, then the right one: the server kept waiting" {
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 20 --grace 1 -o "$T/out.ts" 2> "$T/err" &
	pid=$!
	listening
	run publish nope
	assert_failure
	publish another-key-456
	wait $pid
	grep -q "event9 is live" "$T/err"
	assert_equal "$(codecs "$T/out.ts")" "aac h264 "
}

@test "a publisher that reconnects within --grace continues one output, timestamps never going back" {
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 20 --grace 4 --stats "$T/stats" -o "$T/out.ts" 2> "$T/err" &
	pid=$!
	listening
	publish sekrit-key-123
	sleep 1
	publish sekrit-key-123
	wait $pid
	grep -q "creator7 is live again" "$T/err"
	monotonic "$T/out.ts"
	d=$(duration "$T/out.ts")
	awk -v d="$d" 'BEGIN { exit !(d > 7.6 && d < 8.4) }' || fail "duration $d, pushed 2 x 4"
	tail -n 1 "$T/stats" | grep -q '"name":"creator7",.*"reconnects":1,.*"final":true'
	run grep -c '^{"time":"[^"]*","name":"creator7","remote":"127\.0\.0\.1:[0-9]*","media_seconds"' "$T/stats"
	assert_equal "$output" "$(grep -c . "$T/stats")"
}

@test "another creator's key cannot take over a stream that went quiet, and is not called a wrong key" {
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 20 --grace 3 -o "$T/out.ts" 2> "$T/err" &
	pid=$!
	listening
	publish sekrit-key-123
	run publish another-key-456
	assert_failure
	wait $pid
	run grep -c "refused: event9: a valid key, but this listener carries creator7$" "$T/err"
	assert_output 1
	run grep -c "wrong stream key" "$T/err"
	assert_output 0
}

@test "a file with a timestamp jump comes out without the jump" {
	ffmpeg -v error -i "$FIX/src.ts" -c copy -output_ts_offset 3600 -f mpegts "$T/later.ts"
	cat "$FIX/src.ts" "$T/later.ts" > "$T/jump.ts"
	run ppv-ingest -o "$T/out.ts" "$T/jump.ts"
	assert_success
	monotonic "$T/out.ts"
	d=$(duration "$T/out.ts")
	awk -v d="$d" 'BEGIN { exit !(d > 7.6 && d < 8.4) }' || fail "duration $d"
}

@test "TS input: audio frames that share one PES timestamp keep their spacing, rate and channels" {
	# ffmpeg's TS muxer puts several AAC frames in one PES with one timestamp;
	# the rest must follow on at 1024 samples each, with no invented jumps
	ffmpeg -v error -f lavfi -i testsrc=size=160x120:rate=25:duration=3 -f lavfi -i sine=sample_rate=48000:duration=3 \
		-ac 2 -c:v libx264 -g 25 -c:a aac -f mpegts "$T/in.ts"
	run ppv-ingest --stats "$T/stats" -o "$T/out.ts" "$T/in.ts"
	assert_success
	tail -n 1 "$T/stats" | grep -q '"discontinuities":0,'
	assert_equal "$(ffprobe -v error -select_streams a -show_entries stream=sample_rate,channels -of csv=p=0 "$T/out.ts" | grep . | sort -u)" "48000,2"
	# audio dts steps of 1920 ticks (1024 / 48000 s), give or take a tick of rounding
	ffprobe -v error -select_streams a -show_entries packet=dts -of csv=p=0 "$T/out.ts" | tr -d , | grep . |
		awk 'NR > 1 { d = $1 - prev; if (d < 1919 || d > 1921) bad++ } { prev = $1 } END { exit bad > 0 || NR < 100 }'
}

@test "SRT input with a passphrase from a key file, fed by the ffmpeg CLI" {
	ffmpeg -hide_banner -protocols 2>/dev/null | grep -qx '  srt' || skip "ffmpeg without SRT"
	(umask 077; echo 'correct-horse-battery' > "$T/srt.key")
	ppv-ingest -k "$T/srt.key" -o "$T/out.ts" "srt://127.0.0.1:$PORT?mode=listener" 2> "$T/err" &
	pid=$!
	# until its UDP port is taken: then the SRT listener is up
	for _ in $(seq 100); do
		$PY -c 'import socket, sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).bind(("127.0.0.1", int(sys.argv[1])))' \
			"$PORT" 2> /dev/null || break
		sleep 0.1
	done
	# the port is bound a moment before libsrt listens on it: on a loaded
	# machine a caller may come in between, refused before sending anything
	for _ in 1 2 3 4 5; do
		run ffmpeg -v error -re -i "$FIX/src.ts" -c copy -f mpegts \
			"srt://127.0.0.1:$PORT?mode=caller&passphrase=correct-horse-battery&pkt_size=1316"
		[[ $output == *"Connection to srt://"*" failed"* ]] || break
		sleep 0.5
	done
	assert_success
	wait $pid
	grep -q "the sender closed the connection" "$T/err"
	assert_equal "$(codecs "$T/out.ts")" "aac h264 "
	d=$(duration "$T/out.ts")
	awk -v d="$d" 'BEGIN { exit !(d > 3.8 && d < 4.2) }' || fail "duration $d"
}

@test "SIGTERM closes the stream cleanly and exits 0" {
	ppv-ingest --test-source --duration 0 --size 320x240 -o "$T/out.ts" &
	pid=$!
	sleep 1
	kill -TERM $pid
	wait $pid
	run ffmpeg -v error -i "$T/out.ts" -f null -
	assert_success
	assert_output ""
}

@test "a closed pipe downstream ends ppv-ingest quietly" {
	run bash -c "ppv-ingest --test-source --duration 0 --size 320x240 | head -c 1000 > /dev/null"
	assert_success
	assert_output ""
}

@test "random bytes on the RTMP port are a clear error and the server keeps waiting" {
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 3 > "$T/out.ts" 2> "$T/err" &
	pid=$!
	listening
	head -c 5000 /dev/urandom | $PY -c "
import socket, sys
s = socket.create_connection(('127.0.0.1', $PORT)); s.sendall(b'\x07' + sys.stdin.buffer.read()); s.close()"
	rc=0; wait $pid || rc=$?
	assert_equal "$rc" 1
	grep -q "^ppv-ingest: 127.0.0.1:[0-9]*: not an RTMP client" "$T/err"
}

@test "an mp3-only file, a truncated TS and garbage are clear errors with exit 2" {
	ffmpeg -v error -f lavfi -i sine=d=1 -c:a libmp3lame "$T/a.mp3" 2>/dev/null || ffmpeg -v error -f lavfi -i sine=d=1 "$T/a.mp3"
	run ppv-ingest "$T/a.mp3"
	assert_failure 2
	assert_output --partial "no video stream"
	head -c 100000 "$FIX/src.ts" > "$T/cut.ts"
	run ppv-ingest -o "$T/out.ts" "$T/cut.ts"
	assert_failure 2
	assert_output --partial "truncated: the last TS packet is incomplete"
	[ ! -e "$T/out.ts" ]
	head -c 20000 /dev/urandom > "$T/junk"
	run ppv-ingest "$T/junk"
	assert_failure 2
}

@test "a stream key file readable by others is refused" {
	chmod 644 "$T/keys"
	run ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 1
	assert_failure 2
	assert_output --partial "key file is accessible by group or others"
}

@test "a keyframe interval over 4 s is warned about" {
	ffmpeg -v error -f lavfi -i testsrc=size=160x120:rate=10:duration=11 -c:v libx264 -g 100 \
		-keyint_min 100 -sc_threshold 0 -f mpegts "$T/slow.ts"
	run ppv-ingest -o "$T/out.ts" "$T/slow.ts"
	assert_success
	assert_output --partial "keyframes every 10.0 s"
}

@test "SIGTERM while waiting for a publisher ends quietly with exit 0" {
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" > "$T/out.ts" 2> "$T/err" &
	pid=$!
	listening
	kill -TERM $pid
	rc=0; wait $pid || rc=$?
	assert_equal "$rc" 0
	assert_equal "$(wc -l < "$T/err")" 1
	[ ! -s "$T/out.ts" ]
}

@test "one corrupt H.264 packet from the publisher is dropped with what depends on it; the event goes on" {
	$PY "$BATS_TEST_DIRNAME/lib/flv.py" corrupt "$FIX/src.flv" "$T/bad.flv" 40
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 20 --grace 1 --stats "$T/stats" -o "$T/out.ts" 2> "$T/err" &
	pid=$!
	listening
	ffmpeg -v error -re -i "$T/bad.flv" -c copy -f flv "rtmp://127.0.0.1:$PORT/live/sekrit-key-123"
	rc=0; wait $pid || rc=$?
	assert_equal "$rc" 0
	grep -q 'creator7: a malformed video packet was dropped, and what follows up to the next keyframe' "$T/err"
	run ffmpeg -v error -i "$T/out.ts" -f null -
	assert_success
	assert_output ''
	d=$(duration "$T/out.ts")
	awk -v d="$d" 'BEGIN { exit !(d > 3.8 && d < 4.2) }' || fail "duration $d, pushed 4"
	tail -n 1 "$T/stats" | grep -q '"dropped_packets":[1-9]'
}

@test "a reconnect with other encoder settings: a marked discontinuity, and all of it decodes" {
	ffmpeg -v error -f lavfi -i testsrc=size=320x240:rate=25:duration=3 -f lavfi -i sine=sample_rate=44100:duration=3 \
		-c:v libx264 -g 25 -c:a aac -f flv "$T/one.flv"
	ffmpeg -v error -f lavfi -i testsrc2=size=640x360:rate=25:duration=3 -f lavfi -i sine=sample_rate=48000:duration=3 \
		-ac 2 -c:v libx264 -g 25 -c:a aac -f flv "$T/two.flv"
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 20 --grace 5 -o "$T/out.ts" 2> "$T/err" &
	pid=$!
	listening
	ffmpeg -v error -re -i "$T/one.flv" -c copy -f flv "rtmp://127.0.0.1:$PORT/live/sekrit-key-123"
	ffmpeg -v error -re -i "$T/two.flv" -c copy -f flv "rtmp://127.0.0.1:$PORT/live/sekrit-key-123"
	wait $pid
	grep -q 'creator7: the encoder.s audio settings changed (audio now 48000 Hz, 2 channels)' "$T/err"
	run ffmpeg -v error -i "$T/out.ts" -f null -
	assert_success
	assert_output ''
	# the segmenter sees the discontinuity, and the part after it has the new settings
	ppv-segment -m vod -t 2 -o "$T/hls" "$T/out.ts"
	assert_equal "$(grep -c '^#EXT-X-DISCONTINUITY$' "$T/hls/index.m3u8")" 1
	last=$(grep -v '^#' "$T/hls/index.m3u8" | tail -1)
	assert_equal "$(ffprobe -v error -show_entries stream=width,height,sample_rate,channels -of csv=p=0 "$T/hls/$last" | grep . | sort -u | paste -sd' ')" "48000,2 640,360"
}

@test "audio before any video waits in bounded memory, and the stream starts when video comes" {
	# 300 MiB of audio first: a publisher's packets may be 8 MiB, and 512 of them were kept
	$PY "$BATS_TEST_DIRNAME/lib/flv.py" audio-first "$FIX/src.flv" "$T/af.flv" 300
	run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8" /usr/bin/time -f 'rss %M' \
		ppv-ingest -o "$T/out.ts" "$T/af.flv"
	assert_success
	assert_line --partial 'input: audio before any video: the oldest is dropped while waiting for video'
	rss=$(printf '%s\n' "$output" | sed -n 's/^rss //p')
	assert_num "$rss" -lt 160000
	rm "$T/af.flv"
	d=$(duration "$T/out.ts")
	awk -v d="$d" 'BEGIN { exit !(d > 3.8 && d < 4.2) }' || fail "duration $d"
}

@test "a keys line with a name only, or a FIFO for the keys file, is refused with where" {
	(umask 077; printf 'creator7 sekrit-key-123\nevent9\n' > "$T/k2")
	run ppv-ingest -l 127.0.0.1:$PORT -K "$T/k2" --timeout 1
	assert_failure 2
	assert_output "ppv-ingest: $T/k2:2: expected \`NAME KEY\`: a name without a key"
	mkfifo -m 600 "$T/fifo"
	run timeout 10 ppv-ingest -l 127.0.0.1:$PORT -K "$T/fifo" --timeout 1
	assert_failure 2
	assert_output "ppv-ingest: $T/fifo: not a regular file"
}

@test "what a client sends is escaped before it reaches the log: no forged lines" {
	# a real publisher's bytes, its application name made 'l', newline, escape, '['
	$PY - "$BATS_TEST_DIRNAME/fuzz/seeds/fuzz-rtmp/publish" "$T/evil" <<-'PY'
	import sys
	d = open(sys.argv[1], "rb").read()
	a = b"\x00\x03app\x02\x00\x04live"
	open(sys.argv[2], "wb").write(d.replace(a, b"\x00\x03app\x02\x00\x04l\n\x1b["))
	PY
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 3 > /dev/null 2> "$T/err" &
	pid=$!
	listening
	$PY -c 'import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); s.sendall(open(sys.argv[2], "rb").read()); time.sleep(0.5)' "$PORT" "$T/evil"
	rc=0; wait $pid || rc=$?
	assert_equal "$rc" 1
	assert_equal "$(sed -n 2p "$T/err")" "ppv-ingest: 127.0.0.1:$(sed -n 2p "$T/err" | cut -d: -f3): refused: unknown application 'l\\x0a\\x1b['"
	assert_equal "$(wc -l < "$T/err")" 3
}

# ppv-ingest -l with the options $1 and the client $2 (drip or flood) on its
# port; then the creator publishes and must get in, within 12 s.
gets_in_despite() {
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 30 --grace 1 $1 -o "$T/out.ts" 2> "$T/err" &
	pid=$!
	listening
	timeout 20 $PY "$RTMP_CLIENT" $2 $PORT &
	hostile=$!
	echo $hostile >> "$T/pids"
	sleep 0.5
	run timeout 12 ffmpeg -v error -re -i "$FIX/src.flv" -c copy -f flv "rtmp://127.0.0.1:$PORT/live/sekrit-key-123"
	kill $hostile 2>/dev/null || true
	assert_success
	wait $pid
	assert_equal "$(codecs "$T/out.ts")" "aac h264 "
}

@test "a connection that drips a byte a second is closed at --handshake-timeout; a publisher gets in" {
	gets_in_despite "--handshake-timeout 2" drip
	run grep -c "^ppv-ingest: 127.0.0.1:[0-9]*: closed: no publish within 2 s of connecting$" "$T/err"
	assert_output 1
}

@test "a client that floods commands and never reads is cut off after a few; a publisher still gets in" {
	gets_in_despite "" flood
	run grep -c "^ppv-ingest: 127.0.0.1:[0-9]*: too many messages or bytes before publishing$" "$T/err"
	assert_output 1
}

@test "SIGHUP reads the keys again: a bad file keeps the old keys, a new key gets in, a removed one goes off the air" {
	(umask 077; echo 'creator7 sekrit-key-123' > "$T/keys")
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 30 --grace 5 -o "$T/out.ts" 2> "$T/err" &
	pid=$!
	listening
	said() {
		for _ in $(seq 100); do grep -q "$1" "$T/err" && return 0; sleep 0.1; done
		fail "never said '$1': $(cat "$T/err")"
	}
	chmod 644 "$T/keys"
	kill -HUP $pid
	said "keeping the 1 keys read before"
	chmod 600 "$T/keys"
	echo 'event9 another-key-456' >> "$T/keys"
	kill -HUP $pid
	said "$T/keys: 2 keys"
	# event9 is live on the new key, until its line goes
	ffmpeg -v error -re -stream_loop 4 -i "$FIX/src.flv" -c copy -f flv "rtmp://127.0.0.1:$PORT/live/another-key-456" 2>/dev/null &
	pub=$!
	said "event9 is live"
	sleep 1
	(umask 077; echo 'creator7 sekrit-key-123' > "$T/keys.new"; mv "$T/keys.new" "$T/keys")
	kill -HUP $pid
	rc=0; wait $pid || rc=$?
	kill $pub 2>/dev/null || true
	assert_equal "$rc" 0
	run grep -c "^ppv-ingest: event9: its key was removed: off the air$" "$T/err"
	assert_output 1
	assert_equal "$(codecs "$T/out.ts")" "aac h264 "
}

@test "wrong keys from one address are said at a bounded rate, then it is shut out a minute; another address still gets in" {
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 60 --grace 1 -o "$T/out.ts" 2> "$T/err" &
	pid=$!
	listening
	for i in 1 2 3 4 5 6 7; do
		run publish "guess-$i"
		assert_failure
	done
	# the right key from the banned address: closed at once
	run publish sekrit-key-123
	assert_failure
	# from 127.0.0.2, through a relay: in
	RPORT=$(free_port)
	$PY - "$RPORT" "$PORT" "$T/relay" <<-'PY' &
	import socket, sys, threading
	ls = socket.create_server(("127.0.0.1", int(sys.argv[1])))
	open(sys.argv[3], "w").close()
	c, _ = ls.accept()
	u = socket.socket()
	u.bind(("127.0.0.2", 0))
	u.connect(("127.0.0.1", int(sys.argv[2])))
	def pump(a, b):
	    while (d := a.recv(65536)):
	        b.sendall(d)
	    b.shutdown(socket.SHUT_WR)
	t = threading.Thread(target=pump, args=(u, c), daemon=True)
	t.start()
	pump(c, u)
	t.join(5)
	PY
	for _ in $(seq 100); do [ ! -e "$T/relay" ] || break; sleep 0.1; done
	ffmpeg -v error -re -i "$FIX/src.flv" -c copy -f flv "rtmp://127.0.0.1:$RPORT/live/sekrit-key-123"
	wait $pid
	assert_equal "$(grep -c 'refused: wrong stream key' "$T/err")" 2
	run grep -c "^ppv-ingest: 127.0.0.1:[0-9]*: refused: wrong stream key (3 more from 127.0.0.1 not said)$" "$T/err"
	assert_output 1
	run grep -c "^ppv-ingest: 127.0.0.1: 5 wrong stream keys within 60 s: its connections are refused for 60 s$" "$T/err"
	assert_output 1
	grep -q "^ppv-ingest: 127.0.0.2:[0-9]*: creator7 is live$" "$T/err"
	assert_equal "$(codecs "$T/out.ts")" "aac h264 "
}

@test "60 idle sockets from other addresses never keep a creator out; one address gets --max-conns-per-ip" {
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 30 --grace 1 --handshake-timeout 3 -o "$T/out.ts" 2> "$T/err" &
	pid=$!
	listening
	$PY "$RTMP_CLIENT" hold $PORT "$T/held" '127.0.0.2*50' $(seq -f '127.0.1.%g' 10) &
	holder=$!
	echo $holder >> "$T/pids"
	for _ in $(seq 100); do [ ! -e "$T/held" ] || break; sleep 0.1; done
	# the creator publishes while they are held (each for 3 s)
	run timeout 12 ffmpeg -v error -re -i "$FIX/src.flv" -c copy -f flv "rtmp://127.0.0.1:$PORT/live/sekrit-key-123"
	kill $holder
	assert_success
	wait $pid
	d=$(duration "$T/out.ts")
	awk -v d="$d" 'BEGIN { exit !(d > 3.6 && d < 4.4) }' || fail "duration $d, pushed 4"
	# 8 of 127.0.0.2's 50 were held to the handshake deadline, the rest closed at once
	assert_equal "$(grep -c '^ppv-ingest: 127.0.0.2:[0-9]*: closed: no publish within 3 s of connecting$' "$T/err")" 8
	assert_equal "$(grep -c '^ppv-ingest: 127.0.1.[0-9]*:[0-9]*: closed: no publish within 3 s of connecting$' "$T/err")" 10
}

@test "a second publisher on a live key is refused, named with its address; the first goes on" {
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 30 --grace 1 -o "$T/out.ts" 2> "$T/err" &
	pid=$!
	listening
	publish sekrit-key-123 &
	first=$!
	for _ in $(seq 100); do grep -q "creator7 is live" "$T/err" && break; sleep 0.1; done
	run publish sekrit-key-123
	assert_failure
	wait $first
	wait $pid
	run grep -c "^ppv-ingest: 127.0.0.1:[0-9]*: refused: creator7 is live already, from 127.0.0.1:[0-9]*$" "$T/err"
	assert_output 1
	d=$(duration "$T/out.ts")
	awk -v d="$d" 'BEGIN { exit !(d > 3.6 && d < 4.4) }' || fail "duration $d, pushed 4"
}

@test "past --max-conns a connection is closed at once" {
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 8 --max-conns 2 -o "$T/out.ts" 2> "$T/err" &
	pid=$!
	listening
	$PY "$RTMP_CLIENT" hold $PORT "$T/held" 127.0.0.2 127.0.0.3 &
	holder=$!
	echo $holder >> "$T/pids"
	for _ in $(seq 100); do [ ! -e "$T/held" ] || break; sleep 0.1; done
	run timeout 5 ffmpeg -v error -i "$FIX/src.flv" -c copy -f flv "rtmp://127.0.0.1:$PORT/live/sekrit-key-123"
	kill $holder
	assert_failure
	refute_output --partial 'Immediate exit requested'
	rc=0; wait $pid || rc=$?
	assert_equal "$rc" 1
}

@test "a live publisher silent past --stale is taken over by a new one with its key, which continues the output" {
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 30 --grace 1 --stale 3 -o "$T/out.ts" 2> "$T/err" &
	pid=$!
	listening
	# an encoder that published and then went silent (its network, say)
	$PY "$RTMP_CLIENT" silent $PORT sekrit-key-123 &
	silent=$!
	echo $silent >> "$T/pids"
	for _ in $(seq 100); do grep -q "creator7 is live" "$T/err" && break; sleep 0.1; done
	# before --stale it is live; after, its own key takes it over
	run publish sekrit-key-123
	assert_failure
	sleep 3
	publish sekrit-key-123
	kill $silent
	wait $pid
	run grep -c "^ppv-ingest: 127.0.0.1:[0-9]*: creator7 sent nothing for 3 s: 127.0.0.1:[0-9]* takes over$" "$T/err"
	assert_output 1
	grep -q "^ppv-ingest: 127.0.0.1:[0-9]*: creator7 is live again$" "$T/err"
	d=$(duration "$T/out.ts")
	awk -v d="$d" 'BEGIN { exit !(d > 3.6 && d < 4.4) }' || fail "duration $d, pushed 4"
}

@test "a keys file of 100,000 creators: the last one's key gets in" {
	(umask 077; awk 'BEGIN { for (i = 1; i <= 100000; i++) printf "creator%06d key-%032d\n", i, i }' > "$T/many")
	assert_num "$(stat -c %s "$T/many")" -gt 4000000
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/many" --timeout 30 --grace 1 -o "$T/out.ts" 2> "$T/err" &
	pid=$!
	listening
	publish "key-$(printf %032d 100000)"
	wait $pid
	grep -q "^ppv-ingest: 127.0.0.1:[0-9]*: creator100000 is live$" "$T/err"
	assert_equal "$(codecs "$T/out.ts")" "aac h264 "
}

# Each stream's frames as ffmpeg's framemd5 sees them: stream, size and hash
# of every packet, in order within its stream.
frames() {
	ffmpeg -v error -i "$1" -map 0 -c copy -f framemd5 - | grep -v '^#' | awk -F', *' '{ print $1, $5, $6 }' | sort -s -k1,1
}

@test "FLV to TS by our own remux: every frame equals ffmpeg's remux of the same FLV, from a file, a pipe and RTMP" {
	# B-frames (composition times), AAC; and a second file with MP3 audio
	ffmpeg -v error -f lavfi -i testsrc2=size=320x240:rate=30:duration=4 -f lavfi -i sine=duration=4 \
		-c:v libx264 -bf 2 -g 30 -c:a aac -f flv "$T/b.flv"
	ffmpeg -v error -f lavfi -i testsrc2=size=320x240:rate=25:duration=3 -f lavfi -i sine=duration=3 \
		-c:v libx264 -g 25 -c:a libmp3lame -ar 44100 -f flv "$T/mp3.flv"
	for f in b mp3; do
		ffmpeg -v error -i "$T/$f.flv" -c copy -f mpegts "$T/$f.ffmpeg.ts"
		frames "$T/$f.ffmpeg.ts" > "$T/$f.want"
		assert [ "$(wc -l < "$T/$f.want")" -gt 150 ]
		ppv-ingest -o "$T/$f.file.ts" "$T/$f.flv"
		cat "$T/$f.flv" | ppv-ingest - > "$T/$f.pipe.ts"
		for how in file pipe; do
			frames "$T/$f.$how.ts" > "$T/$f.$how"
			run diff "$T/$f.want" "$T/$f.$how"
			assert_success
		done
	done
	# and what an RTMP publisher pushes, B-frames and all
	ppv-ingest -l 127.0.0.1:$PORT -K "$T/keys" --timeout 20 --grace 1 -o "$T/rtmp.ts" 2> "$T/err" &
	pid=$!
	listening
	ffmpeg -v error -re -i "$T/b.flv" -c copy -f flv "rtmp://127.0.0.1:$PORT/live/sekrit-key-123"
	wait $pid
	frames "$T/rtmp.ts" > "$T/b.rtmp"
	run diff "$T/b.want" "$T/b.rtmp"
	assert_success
}

@test "FLV with a codec our remux does not carry is a clear error, exit 2" {
	ffmpeg -v error -f lavfi -i testsrc2=size=320x240:rate=25:duration=1 -c:v flv1 -f flv "$T/sorenson.flv"
	run -2 ppv-ingest -o "$T/out.ts" "$T/sorenson.flv"
	assert_output "ppv-ingest: $T/sorenson.flv: unsupported video codec 'flv1': H.264 is needed on this path"
	assert [ ! -e "$T/out.ts" ]
}

@test "FLV to TS never loads libavformat or libavcodec; a TS input does, when it needs them" {
	ffmpeg -v error -f lavfi -i testsrc2=size=320x240:rate=25:duration=1 -c:v libx264 -f flv "$T/in.flv"
	LD_DEBUG=files LD_DEBUG_OUTPUT="$T/flv" ppv-ingest -o "$T/out.ts" "$T/in.flv"
	run grep -ho 'libav[a-z]*\.so\.[0-9]*' "$T"/flv.*
	refute_output --partial libavformat
	refute_output --partial libavcodec
	LD_DEBUG=files LD_DEBUG_OUTPUT="$T/ts" ppv-ingest -o "$T/again.ts" "$T/out.ts"
	run grep -ho 'libav[a-z]*\.so\.[0-9]*' "$T"/ts.*
	assert_output --partial libavformat
}

@test "--max-duration and media_seconds count the media itself, by either remux path" {
	ffmpeg -v error -f lavfi -i testsrc=size=160x120:rate=25:duration=6 -f lavfi -i sine=duration=6 \
		-c:v libx264 -g 25 -c:a aac -f flv "$T/in.flv"
	ffmpeg -v error -i "$T/in.flv" -c copy -f mpegts "$T/in.ts"
	for f in flv ts; do
		run ppv-ingest --max-duration 3 --stats "$T/$f.stats" -o "$T/$f.ts" "$T/in.$f"
		assert_success
		# video frames of the first 3 s: 75, give or take the frame at the edge
		n=$(ffprobe -v error -select_streams v -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$T/$f.ts" | grep -m1 .)
		assert_equal "$f: $n frames, $(( n >= 75 && n <= 77 ))" "$f: $n frames, 1"
		m=$(sed -n 's/.*"media_seconds":\([0-9.]*\),.*"final":true.*/\1/p' "$T/$f.stats")
		assert_equal "$f: media_seconds $m, $(awk -v s="$m" 'BEGIN { print (s >= 2.9 && s <= 3.1) }')" "$f: media_seconds $m, 1"
	done
}
