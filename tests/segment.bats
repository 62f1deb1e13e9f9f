#!/usr/bin/env bats
# ppv-segment: HLS from a transport stream, read back by ffmpeg and played by
# hls.js in headless Chromium; RFC 8216 rules checked on every playlist.

load helpers

HLSCHECK="$BATS_TEST_DIRNAME/lib/hlscheck.py"

setup_file() {
	export FIX=$(mktemp -d /tmp/ppv-segment-fix.XXXXXX)
	cd "$FIX"
	ffmpeg -v error -f lavfi -i testsrc2=size=320x180:rate=25 -f lavfi -i sine=frequency=440 -t 40 \
		-c:v libx264 -preset ultrafast -g 50 -c:a aac -ar 48000 -f mpegts in.ts
	ppv-splice inject --at 10/20 in.ts > cued.ts
}

teardown_file() {
	rm -rf "$FIX"
}

per_test() {
	cd "$FIX"
}

per_test_end() {
	[ -z "${BG:-}" ] || kill -9 $BG 2>/dev/null || true
}

# hls.js plays PLAYLIST (served by serve) past 10 s, over five fragments or more, nothing fatal
plays_past_10s() {
	run play "$1" 40
	assert_success
	refute_output --partial ':fatal'
	$PY -c 'import json, sys; r = json.loads(sys.argv[1]); assert len(r["frags"]) >= 5 and r["currentTime"] > 10, r' "$output"
}

# The run in the background ($BG, `ppv-segment -m event -t 2 -o $T/k`)
# writes a segment into PLAYLIST of its own (however loaded the machine),
# then is killed -9 at a random moment
killed_after_a_segment() {
	local before
	before=$(cat "$1" 2>/dev/null | grep -c '^#EXTINF' || true)
	for _ in $(seq 300); do
		[ "$(cat "$1" 2>/dev/null | grep -c '^#EXTINF' || true)" -gt "$before" ] && break
		sleep 0.1
	done
	sleep "$(( RANDOM % 3 )).$(( RANDOM % 10 ))"
	pkill -9 -f "ppv-segment -m event -t 2 -o $T/k" || true
	kill -9 $BG 2>/dev/null || true
	wait $BG 2>/dev/null || true
	BG=
}

@test "vod: ffmpeg decodes every segment without an error, as long as the input" {
	run ppv-segment -m vod -t 4 -o "$T/vod" in.ts
	assert_success
	run ffmpeg -v error -i "$T/vod/index.m3u8" -f null -
	assert_success
	assert_output ''
	$PY -c 'import sys; a, b = map(float, sys.argv[1:]); assert abs(a - b) <= 0.04, (a, b)' \
		"$(duration "$T/vod/index.m3u8")" "$(duration in.ts)"
	run $PY "$HLSCHECK" --vod "$T/vod/index.m3u8"
	assert_success
}

@test "segments start with PAT and PMT, at keyframes, every video packet copied and every audio frame kept" {
	ppv-segment -m vod -t 4 -o "$T/vod" < in.ts
	for f in "$T"/vod/index*.ts; do
		assert_equal "$(head -c 1 "$f" | od -An -tx1 | tr -d ' ')" 47
		# the first packet is the PAT (PID 0), the second the PMT
		assert_equal "$(od -An -tx1 -j1 -N2 "$f" | tr -d ' ')" 4000
		run ffprobe -v error -select_streams v -show_entries frame=key_frame -read_intervals '%+#1' -of csv=p=0 "$f"
		assert_output --regexp '^1,?$'
	done
	# the same frames, the same bytes: every video PES packet of the input,
	# and every audio frame but one ending before the first picture (a PES of
	# audio across a cut is split between its frames)
	ffmpeg -v error -i in.ts -map 0 -c copy -f framemd5 "$T/in.md5"
	ffmpeg -v error -i "$T/vod/index.m3u8" -map 0 -c copy -f framemd5 "$T/out.md5"
	run diff <(grep -v '^#' "$T/in.md5" | cut -d, -f1,5,6 | awk -F, '$1 == 1 && !audio++ { next } 1') \
		<(grep -v '^#' "$T/out.md5" | cut -d, -f1,5,6)
	assert_success
	assert_output ''
}

@test "a break in the first seconds, cued before the first picture, is cut like any other" {
	# inject sends the cue out 4 s ahead: for a break at 2 s, before any video
	ppv-splice inject --at 2/4 in.ts > "$T/early.ts"
	run ppv-segment -m vod -t 2 -o "$T/e" "$T/early.ts"
	assert_success
	# where the break starts and ends, in seconds of the playlist
	run awk '/^#EXT-X-CUE-OUT:/ { print "out", t } /^#EXT-X-CUE-IN/ { print "in", t }
		/^#EXTINF:/ { t += substr($0, 9) }' "$T/e/index.m3u8"
	assert_output "out 2
in 6"
}

@test "an ad break cued by ppv-splice inject becomes CUE-OUT at 10 s and CUE-IN at 30 s, on segment boundaries" {
	run ppv-segment -m vod -t 4 --cues both -o "$T/c" cued.ts
	assert_success
	$PY - "$T/c/index.m3u8" <<-'PY'
	import sys
	t, starts, out, into = 0.0, [], None, None
	for l in open(sys.argv[1]):
	    l = l.strip()
	    if l.startswith("#EXT-X-CUE-OUT:"):
	        out = t
	        assert l == "#EXT-X-CUE-OUT:DURATION=20.000", l
	    elif l == "#EXT-X-CUE-IN":
	        into = t
	    elif l.startswith("#EXTINF:"):
	        t += float(l[8:].split(",")[0])
	assert out == 10.0 and into == 30.0, (out, into)
	PY
	grep -q '^#EXT-X-CUE-OUT-CONT:ElapsedTime=4.000,Duration=20.000$' "$T/c/index.m3u8"
	grep -q '^#EXT-X-DATERANGE:ID="splice-1",START-DATE="[^"]*",PLANNED-DURATION=20.000,SCTE35-OUT=0xFC30' "$T/c/index.m3u8"
	out=$(grep -o 'SCTE35-OUT=0x[0-9A-F]*' "$T/c/index.m3u8" | cut -d= -f2)
	run ppv-splice decode "$out"
	assert_output --partial '"out_of_network":true'
	grep -q '^#EXT-X-DATERANGE:ID="splice-1",.*DURATION=20.000,SCTE35-IN=0x' "$T/c/index.m3u8"
	# and the SCTE-35 packets themselves are in the segments
	cat "$T"/c/index*.ts > "$T/joined.ts"
	assert_num "$(ppv-splice decode -i "$T/joined.ts" | wc -l)" -ge 2
}

@test "encrypted: a new key every 3 segments, owner and group only, named before use, and ffmpeg decrypts" {
	run ppv-segment -m event -t 4 --encrypt --rotate 3 --key-uri 'https://keys.example.com/ev1/{n}?t=x' -o "$T/e" cued.ts
	assert_success
	assert_equal "$(stat -c %a "$T/e/index.0.key")" 640
	# the umask takes from it, as from every file
	(umask 077; ppv-segment -m vod -t 4 --encrypt -o "$T/e77" cued.ts)
	assert_equal "$(stat -c %a "$T/e77/index.0.key")" 600
	assert_equal "$(stat -c %s "$T/e/index.0.key")" 16
	grep -q '^#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example.com/ev1/3?t=x"$' "$T/e/index.m3u8"
	assert_equal "$(grep -c '^#EXT-X-KEY' "$T/e/index.m3u8")" 4
	# ffmpeg reads the keys from local files
	ppv-segment -m vod -t 4 --encrypt --rotate 3 -o "$T/l" cued.ts
	run ffmpeg -v error -allowed_extensions ALL -i "$T/l/index.m3u8" -f null -
	assert_success
	assert_output ''
	assert_encrypted "$T/l/index0.ts"
}

@test "live: the window slides, the sequence numbers stay, segments linger a playlist's length" {
	mkfifo "$T/fifo"
	ppv-segment -t 2 -w 4 -o "$T/live" < "$T/fifo" &
	BG=$!
	# a snapshot of the playlist after each 2 s of input
	split -b $(( $(stat -c %s in.ts) / 20 / 188 * 188 )) in.ts "$T/part."
	n=0
	for p in "$T"/part.*; do
		cat "$p"
		sleep 0.2
		[ -f "$T/live/index.m3u8" ] && cp "$T/live/index.m3u8" "$T/snap.$((n++))"
	done > "$T/fifo"
	wait $BG
	BG=
	run $PY "$HLSCHECK" --live $(ls -v "$T"/snap.*) "$T/live/index.m3u8"
	assert_success
	assert_equal "$(grep -c '^#EXTINF' "$T/live/index.m3u8")" 4
	grep -q '^#EXT-X-ENDLIST' "$T/live/index.m3u8"
	first=$(grep -m1 '^index' "$T/live/index.m3u8")
	# the four before the window are still there, older ones gone
	assert_num "$(ls "$T"/live/index*.ts | wc -l)" -le 9
	[ -f "$T/live/$first" ]
}

@test "live: the playlist that first names the last segment also ends the event, so no player waits past the end" {
	# every version of the playlist as it was renamed into place, in order:
	# video.js calls endOfStream only when it appends a segment from a
	# playlist that has ENDLIST, so a version with the last segment and no
	# ENDLIST leaves its viewers stalled at the end
	cc -shared -fPIC -o "$T/versions.so" "$BATS_TEST_DIRNAME/lib/versions.c" -ldl
	mkdir "$T/v"
	# (ASan wants to be first; the shim only wraps rename)
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" LD_PRELOAD="$T/versions.so" \
		VERSIONS_OF=/index.m3u8 VERSIONS_DIR="$T/v" ppv-segment -m event -t 4 -o "$T/ev" in.ts
	last=$(grep '^index' "$T/ev/index.m3u8" | tail -1)
	assert_num "$(ls "$T/v" | wc -l)" -gt 1
	run grep -l -x "$last" $(ls -v "$T"/v/*)
	assert_success
	# one version names it, and it ends the event
	assert_equal "$(echo "$output" | wc -l)" 1
	run grep -c '^#EXT-X-ENDLIST$' "$output"
	assert_output 1
}

@test "kill -9 at random moments: the playlist names only whole segments, and a restart resumes" {
	for round in 1 2 3; do
		ffmpeg -v error -re -i in.ts -c copy -f mpegts - 2>/dev/null |
			ppv-segment -m event -t 2 -o "$T/k" &
		BG=$!
		killed_after_a_segment "$T/k/index.m3u8"
		# whatever the playlist names exists and decodes
		grep -v '^#' "$T/k/index.m3u8" | while read -r seg; do
			ffmpeg -nostdin -v error -i "$T/k/$seg" -f null - || { echo "bad $seg"; exit 1; }
		done
	done
	run $PY "$HLSCHECK" --event "$T/k/index.m3u8"
	assert_success
	# three runs: two gaps marked, the numbers went on
	assert_equal "$(grep -c '^#EXT-X-DISCONTINUITY$' "$T/k/index.m3u8")" 2
	n=$(grep -c '^index' "$T/k/index.m3u8")
	assert_equal "$(grep '^index' "$T/k/index.m3u8" | paste -sd' ')" "$(seq -f 'index%g.ts' 0 $((n - 1)) | paste -sd' ')"
	# at most the segment the last kill interrupted, hidden; a restart clears it
	assert_num "$(ls -A "$T/k" | grep -c '\.tmp$')" -le 1
	ppv-segment -m event -t 2 -o "$T/k" < /dev/null 2>/dev/null || true
	assert_equal "$(ls -A "$T/k" | grep -c '\.tmp$')" 0
}

@test "a timestamp jump becomes a discontinuity, the 33-bit wrap does not" {
	ffmpeg -v error -i in.ts -t 10 -c copy -f mpegts "$T/a.ts"
	ffmpeg -v error -i in.ts -t 10 -c copy -output_ts_offset 5000 -f mpegts "$T/b.ts"
	cat "$T/a.ts" "$T/b.ts" | ppv-segment -m vod -t 4 -o "$T/j"
	assert_equal "$(grep -c '^#EXT-X-DISCONTINUITY$' "$T/j/index.m3u8")" 1
	run $PY "$HLSCHECK" --vod "$T/j/index.m3u8"
	assert_success
	# 95,440 s puts the wrap 3.7 s in
	ffmpeg -v error -i in.ts -t 10 -c copy -output_ts_offset 95440 -f mpegts "$T/w.ts"
	ppv-segment -m vod -t 4 -o "$T/w" "$T/w.ts"
	run ! grep -q DISCONTINUITY "$T/w/index.m3u8"
	$PY -c 'import sys; t = float(sys.argv[1]); assert abs(t - 10) < 0.1, t' "$(duration "$T/w/index.m3u8")"
}

@test "live: a window never holds under three target durations, whatever -w says" {
	run --separate-stderr ppv-segment -m live -t 4 -w 2 -o "$T/w" in.ts
	assert_success
	assert_equal "$stderr" "ppv-segment: -w 2: a live playlist holds at least three target durations (RFC 8216 6.2.2): it keeps more segments than that"
	held=$(awk -F'[:,]' '/^#EXTINF/ { s += $2 } END { print s }' "$T/w/index.m3u8")
	assert_num "${held%.*}" -ge 12
	assert_equal "$(grep -c '^#EXTINF' "$T/w/index.m3u8")" 3
}

@test "hls.js plays vod, live and encrypted output past several segment boundaries" {
	ppv-segment -m vod -t 2 -o "$T/www/vod" in.ts
	ppv-segment -m vod -t 2 --encrypt -o "$T/www/enc" in.ts
	chmod 644 "$T"/www/enc/*.key
	serve "$T/www"
	for v in vod enc; do
		plays_past_10s "$v/index.m3u8"
	done
	# live: segmenting while hls.js plays
	ffmpeg -v error -re -i in.ts -t 24 -c copy -f mpegts - 2>/dev/null | ppv-segment -t 2 -w 5 -o "$T/www/live" &
	BG=$!
	for _ in $(seq 100); do [ -f "$T/www/live/index.m3u8" ] && [ "$(grep -c EXTINF "$T/www/live/index.m3u8")" -ge 3 ] && break; sleep 0.1; done
	run play live/index.m3u8 20
	refute_output --partial ':fatal'
	$PY -c 'import json, sys; r = json.loads(sys.argv[1]); assert len(r["frags"]) >= 3, r' "$output"
}

@test "--master measures bandwidth and reads codecs, size and rate from the stream; hls.js plays it" {
	run ppv-segment -m vod -t 2 --master -o "$T/www/m" in.ts
	assert_success
	run cat "$T/www/m/master.m3u8"
	assert_line --regexp '^#EXT-X-STREAM-INF:BANDWIDTH=[0-9]+,AVERAGE-BANDWIDTH=[0-9]+,CODECS="avc1.42C00C,mp4a.40.2",RESOLUTION=320x180,FRAME-RATE=25.000$'
	assert_line index.m3u8
	# BANDWIDTH bounds every segment, AVERAGE-BANDWIDTH is the whole
	$PY - "$T/www/m" <<-'PY'
	import os, re, sys
	d = sys.argv[1]
	m = open(f"{d}/master.m3u8").read()
	peak = int(re.search(r"BANDWIDTH=(\d+)", m).group(1))
	avg = int(re.search(r"AVERAGE-BANDWIDTH=(\d+)", m).group(1))
	durs, total, size = [], 0.0, 0
	lines = open(f"{d}/index.m3u8").read().split("\n")
	for i, l in enumerate(lines):
	    if l.startswith("#EXTINF:"):
	        dur = float(l[8:].split(",")[0])
	        b = os.path.getsize(f"{d}/{lines[i + 1]}")
	        assert b * 8 / dur <= peak * 1.001, (b * 8 / dur, peak)
	        total += dur
	        size += b
	assert abs(size * 8 / total - avg) / avg < 0.01, (size * 8 / total, avg)
	PY
	serve "$T/www"
	run play m/master.m3u8 40
	assert_success
	refute_output --partial ':fatal'
	$PY -c 'import json, sys; r = json.loads(sys.argv[1]); assert r["currentTime"] > 10, r' "$output"
}

@test "fMP4: an init segment and EXT-X-MAP, cues carried, ffmpeg decodes, hls.js plays" {
	run ppv-segment -f fmp4 -m vod -t 2 --cues both -o "$T/www/f" cued.ts
	assert_success
	assert_output ''
	grep -qx '#EXT-X-VERSION:6' "$T/www/f/index.m3u8"
	grep -qx '#EXT-X-MAP:URI="index-init.mp4"' "$T/www/f/index.m3u8"
	grep -q '^#EXT-X-CUE-OUT:DURATION=20.000$' "$T/www/f/index.m3u8"
	grep -q '^#EXT-X-DATERANGE:ID="splice-1"' "$T/www/f/index.m3u8"
	assert_equal "$(head -c 8 "$T/www/f/index-init.mp4" | tail -c 4)" ftyp
	run ffmpeg -v error -i "$T/www/f/index.m3u8" -f null -
	assert_success
	assert_output ''
	$PY -c 'import sys; a, b = map(float, sys.argv[1:]); assert abs(a - b) <= 0.1, (a, b)' \
		"$(duration "$T/www/f/index.m3u8")" "$(duration in.ts)"
	run $PY "$HLSCHECK" --vod "$T/www/f/index.m3u8"
	assert_success
	serve "$T/www"
	plays_past_10s f/index.m3u8
}

@test "TS segments from another container: libavformat makes it a transport stream first" {
	ffmpeg -v error -i in.ts -t 12 -c copy -bsf:a aac_adtstoasc "$T/in.mp4"
	run ppv-segment -m vod -t 4 -o "$T/r" "$T/in.mp4"
	assert_success
	assert_equal "$(grep -c '^#EXTINF' "$T/r/index.m3u8")" 3
	run ffmpeg -v error -i "$T/r/index.m3u8" -f null -
	assert_success
	assert_output ''
	$PY -c 'import sys; a = float(sys.argv[1]); assert abs(a - 12) <= 0.1, a' "$(duration "$T/r/index.m3u8")"
}

@test "other containers on stdin too: FLV piped in, as TS and as fMP4" {
	ffmpeg -v error -i in.ts -t 12 -c copy -f flv "$T/in.flv"
	for f in ts fmp4; do
		run ppv-segment -f $f -m vod -t 4 -o "$T/p$f" < "$T/in.flv"
		assert_success
		assert_equal "$(grep -c '^#EXTINF' "$T/p$f/index.m3u8")" 3
		run ffmpeg -v error -i "$T/p$f/index.m3u8" -f null -
		assert_success
		assert_output ''
	done
}

@test "fMP4 takes any container libavformat reads, and encrypts" {
	ffmpeg -v error -i in.ts -t 12 -c copy -bsf:a aac_adtstoasc "$T/in.mp4"
	run ppv-segment -f fmp4 -m vod -t 4 --encrypt -o "$T/m" "$T/in.mp4"
	assert_success
	assert_equal "$(grep -c '^#EXTINF' "$T/m/index.m3u8")" 3
	run ffmpeg -v error -allowed_extensions ALL -i "$T/m/index.m3u8" -f null -
	assert_success
	assert_output ''
}

@test "time_signal cues (placement opportunity start and end) cut and mark the break too" {
	start=$(ffprobe -v error -select_streams v -show_entries stream=start_time -of csv=p=0 cued.ts | grep . | head -n 1)
	out=$(ppv-splice encode --time-signal --pts "$($PY -c "print('%.6f' % ($start + 10))")" --duration 20 \
		--type 0x34 --event-id 7 --hex)
	in=$(ppv-splice encode --time-signal --pts "$($PY -c "print('%.6f' % ($start + 30))")" --type 0x35 --event-id 7 --hex)
	# the same stream with each splice_insert section swapped for a time_signal
	$PY - cued.ts "$T/ts.ts" "$out" "$in" <<-'PY'
	import sys
	src, dst, out, inn = sys.argv[1:]
	data = bytearray(open(src, "rb").read())
	n = 0
	for at in range(0, len(data) - 187, 188):
	    p = data[at:at + 188]
	    pid = (p[1] & 0x1f) << 8 | p[2]
	    if p[1] & 0x40 and p[4] == 0 and p[5] == 0xfc:
	        sec = bytes.fromhex((out if n == 0 else inn)[2:])
	        data[at + 5:at + 188] = sec + b"\xff" * (183 - len(sec))
	        n += 1
	assert n == 2, n
	open(dst, "wb").write(data)
	PY
	run ppv-segment -m vod -t 4 -o "$T/tsig" "$T/ts.ts"
	assert_success
	$PY - "$T/tsig/index.m3u8" <<-'PY'
	import sys
	t, out, into = 0.0, None, None
	for l in open(sys.argv[1]):
	    l = l.strip()
	    if l.startswith("#EXT-X-CUE-OUT:"):
	        out = t
	    elif l == "#EXT-X-CUE-IN":
	        into = t
	    elif l.startswith("#EXTINF:"):
	        t += float(l[8:].split(",")[0])
	assert out == 10.0 and into == 30.0, (out, into)
	PY
}

@test "SIGTERM and SIGINT end a live run cleanly: the segment finished, ENDLIST, exit 0" {
	for sig in TERM INT; do
		rm -rf "$T/s"
		mkfifo "$T/fifo.$sig"
		ppv-segment -t 2 -o "$T/s" < "$T/fifo.$sig" 3>&- &
		BG=$!
		{ cat in.ts; exec sleep 30; } > "$T/fifo.$sig" 2>/dev/null 3>&- &
		FEED=$!
		for _ in $(seq 100); do [ -f "$T/s/index.m3u8" ] && break; sleep 0.1; done
		kill -$sig $BG
		rc=0
		wait $BG || rc=$?
		BG=
		kill $FEED 2>/dev/null || true
		assert_equal "$rc" 0
		grep -qx '#EXT-X-ENDLIST' "$T/s/index.m3u8"
		run $PY "$HLSCHECK" "$T/s/index.m3u8"
		assert_success
		tail -n 2 "$T/s/index.m3u8" | head -n 1 | grep -q '^index'
	done
}

@test "bad input: not TS, no video, nothing: a clear error" {
	# what is no TS goes to libavformat, which says what it thinks
	printf 'this is not a video\n%.0s' $(seq 500) > "$T/text"
	run ppv-segment -o "$T/x" "$T/text"
	assert_failure 2
	assert_output "ppv-segment: $T/text: Invalid data found when processing input"
	run ppv-segment -o "$T/x" < "$T/text"
	assert_failure 2
	assert_output "ppv-segment: stdin: Invalid data found when processing input"
	# a TS that loses its sync later is resynchronized, and says so
	{ head -c 188000 in.ts; head -c 1000 "$T/text"; tail -c +188001 in.ts; } > "$T/resync.ts"
	run ppv-segment -m vod -o "$T/y" < "$T/resync.ts"
	assert_success
	assert_output 'ppv-segment: stdin: 1000 bytes out of sync skipped'
	ffmpeg -v error -f lavfi -i sine -t 2 -c:a aac -f mpegts "$T/audio.ts"
	run ppv-segment -o "$T/x" "$T/audio.ts"
	assert_failure 2
	assert_output --partial 'no video stream'
	run ppv-segment -o "$T/x" < /dev/null
	assert_failure 2
	run ppv-segment
	assert_failure 2
	run ppv-segment -o "$T/x" -m weekly in.ts
	assert_failure 2
	assert_output "ppv-segment: -m: unknown mode 'weekly' (live, event, vod)"
}

@test "a full disk: a clear error, and the last good playlist stays" {
	cc -shared -fPIC -o "$T/enospc.so" "$BATS_TEST_DIRNAME/lib/enospc.c" -ldl
	# (ASan wants to be first; the shim only wraps write)
	run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		LD_PRELOAD="$T/enospc.so" ENOSPC_AFTER=1500000 ppv-segment -m event -t 2 -o "$T/full" in.ts
	assert_failure 2
	assert_output --regexp 'ppv-segment: .*: No space left on device'
	# what the playlist names is whole and decodes
	n=$(grep -c '^index' "$T/full/index.m3u8")
	assert_num "$n" -ge 1
	grep '^index' "$T/full/index.m3u8" | while read -r seg; do
		ffmpeg -nostdin -v error -i "$T/full/$seg" -f null - || exit 1
	done
	[ -z "$(ls -A "$T/full" | grep '\.tmp$')" ]
}

@test "a truncated input still ends in a playlist of whole segments" {
	head -c 1000001 in.ts > "$T/cut.ts"
	run ppv-segment -m vod -t 4 -o "$T/t" "$T/cut.ts"
	assert_success
	assert_output --partial 'truncated last packet dropped'
	run ffmpeg -v error -i "$T/t/index.m3u8" -f null -
	assert_success
}

@test "a restarted encrypted event keeps the keys its playlist names and goes on with a new one" {
	ffmpeg -v error -i in.ts -t 10 -c copy -f mpegts "$T/a.ts"
	ffmpeg -v error -ss 10 -i in.ts -t 10 -c copy -output_ts_offset 10 -f mpegts "$T/b.ts"
	ppv-segment -m event -t 2 --encrypt -o "$T/r" "$T/a.ts"
	before=$(md5sum < "$T/r/index.0.key")
	# the run died (no ENDLIST): systemd restarts it on the same directory
	sed -i '/^#EXT-X-ENDLIST/d' "$T/r/index.m3u8"
	ppv-segment -m event -t 2 --encrypt -o "$T/r" "$T/b.ts"
	assert_equal "$(md5sum < "$T/r/index.0.key")" "$before"
	assert_equal "$(grep '^#EXT-X-KEY' "$T/r/index.m3u8" | cut -d, -f2 | paste -sd' ')" 'URI="index.0.key" URI="index.1.key"'
	assert_equal "$(stat -c %a "$T/r/index.1.key")" 640
	run ffmpeg -v error -allowed_extensions ALL -i "$T/r/index.m3u8" -f null -
	assert_success
	assert_output ''
}

@test "a sliding window deletes only the segments ppv-segment wrote, never what a resumed playlist points at" {
	mkdir -p "$T/site/ads" "$T/site/live"
	ffmpeg -v error -i in.ts -t 2 -c copy -f mpegts "$T/site/ads/ad0.ts"
	cp "$T/site/ads/ad0.ts" "$T/site/elsewhere.ts"
	printf '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.000,\n../ads/ad0.ts\n#EXTINF:2.000,\n/%s\n' \
		"$T/site/elsewhere.ts" > "$T/site/live/index.m3u8"
	ffmpeg -v error -i in.ts -t 16 -c copy -f mpegts "$T/c.ts"
	ppv-segment -t 2 -w 2 -o "$T/site/live" "$T/c.ts"
	run ! grep -q 'ad0' "$T/site/live/index.m3u8"
	[ -f "$T/site/ads/ad0.ts" ]
	[ -f "$T/site/elsewhere.ts" ]
}

@test "a new PMT that moves the streams to other PIDs is followed: cut on time, a discontinuity, all decodes" {
	ffmpeg -v error -i in.ts -t 10 -c copy -f mpegts "$T/a.ts"
	ffmpeg -v error -ss 10 -i in.ts -t 10 -c copy -output_ts_offset 10 -mpegts_start_pid 0x200 -f mpegts "$T/b.ts"
	cat "$T/a.ts" "$T/b.ts" > "$T/ab.ts"
	ppv-segment -m vod -t 2 -o "$T/p" "$T/ab.ts"
	assert_equal "$(grep -c '^#EXT-X-DISCONTINUITY$' "$T/p/index.m3u8")" 1
	# no segment over the target: the new video PID's keyframes cut
	assert_equal "$(grep '^#EXTINF' "$T/p/index.m3u8" | tr -dc '0-9.\n' | awk '$1 > 2.1' | wc -l)" 0
	assert_num "$(grep -c '^#EXTINF' "$T/p/index.m3u8")" -ge 9
	run ffprobe -v error -select_streams v -show_entries stream=index -of csv=p=0 "$(ls -v "$T"/p/index*.ts | tail -1)"
	assert_success
	assert_output --regexp '^0'
}

@test "a PMT with more than 64 streams is read, not refused" {
	# the PMT rewritten with 70 data streams more: two packets' worth of section
	$PY - in.ts "$T/many.ts" <<-'PY'
	import sys, zlib
	def crc(b):
	    c = 0xffffffff
	    for x in b:
	        c ^= x << 24
	        for _ in range(8):
	            c = (c << 1) ^ 0x104c11db7 if c & 0x80000000 else c << 1
	    return c & 0xffffffff
	data = open(sys.argv[1], "rb").read()
	out, pmt, cc = bytearray(), None, 0
	for i in range(0, len(data) - 187, 188):
	    p = data[i:i + 188]
	    pid = (p[1] & 0x1f) << 8 | p[2]
	    if pid == 0 and pmt is None:
	        pmt = (p[15] & 0x1f) << 8 | p[16]
	    if pid != pmt:
	        out += p
	        continue
	    sec = p[5:5 + 3 + ((p[6] & 0x0f) << 8 | p[7])]
	    body = bytearray(sec[:-4]) + b"".join(bytes([0x06, 0xe3, 0x00 + k, 0xf0, 0x00]) for k in range(70))
	    n = len(body) + 4 - 3
	    body[1] = (body[1] & 0xf0) | (n >> 8)
	    body[2] = n & 0xff
	    s = bytes(body) + crc(bytes(body)).to_bytes(4, "big")
	    s = b"\x00" + s
	    first = True
	    while s:
	        chunk, s = s[:184], s[184:]
	        hdr = bytes([0x47, (0x40 if first else 0) | pmt >> 8, pmt & 0xff, 0x10 | cc])
	        cc = (cc + 1) & 15
	        out += hdr + chunk + b"\xff" * (184 - len(chunk))
	        first = False
	open(sys.argv[2], "wb").write(out)
	PY
	run ppv-segment -m vod -t 4 -o "$T/m" "$T/many.ts"
	assert_success
	assert_num "$(grep -c '^#EXTINF' "$T/m/index.m3u8")" -ge 9
	run ffmpeg -v error -i "$T/m/index.m3u8" -map 0:v -f null -
	assert_success
}

@test "a killed run's temporary playlists are removed at the next start; a live run's are not" {
	mkdir -p "$T/t"
	touch "$T/t/.index.m3u8.99999999.3" "$T/t/.index.m3u8.$$.4"
	ppv-segment -m event -t 2 -o "$T/t" in.ts
	assert_equal "$(ls -A "$T/t" | grep '^\.' | paste -sd' ')" ".index.m3u8.$$.4"
}

@test "keyframes every 1.967 s with -t 4: cut on the last keyframe that keeps the target, TS and fMP4" {
	ffmpeg -v error -f lavfi -i testsrc2=size=160x90:rate=30 -f lavfi -i sine -t 20 -c:v libx264 -preset ultrafast \
		-g 59 -sc_threshold 0 -c:a aac "$T/g59.ts"
	for f in ts fmp4; do
		run ppv-segment -f $f -m vod -t 4 -o "$T/$f" "$T/g59.ts"
		assert_success
		assert_output ''
		run $PY "$HLSCHECK" --vod "$T/$f/index.m3u8"
		assert_success
		assert_equal "$(grep -c '^#EXTINF:3.933,' "$T/$f/index.m3u8")" 5
	done
}

@test "keyframes 5 s apart with -t 4: VOD raises the target to cover them, live keeps it and names the encoder setting once" {
	ffmpeg -v error -f lavfi -i testsrc2=size=160x90:rate=30 -t 20 -c:v libx264 -preset ultrafast -g 150 -sc_threshold 0 "$T/g150.ts"
	run ppv-segment -m vod -t 4 -o "$T/v" "$T/g150.ts"
	assert_success
	assert_output "ppv-segment: $T/g150.ts: EXT-X-TARGETDURATION raised from 4 to 5 to cover segment 0 (5.000s): no keyframe came in time to end it under 4s"
	assert_equal "$(grep '^#EXT-X-TARGETDURATION' "$T/v/index.m3u8")" '#EXT-X-TARGETDURATION:5'
	run $PY "$HLSCHECK" --vod "$T/v/index.m3u8"
	assert_success
	run ppv-segment -m event -t 4 -o "$T/e" "$T/g150.ts"
	assert_success
	assert_output "ppv-segment: $T/g150.ts: segment 0 from 0.000s to 5.000s lasts longer than the target 4s, which a live playlist cannot raise: set the encoder's keyframe interval to 4s or less (ffmpeg -g, OBS's Keyframe Interval), or -t higher
ppv-segment: $T/g150.ts: 4 segments in all lasted longer than the target 4s"
	assert_equal "$(grep '^#EXT-X-TARGETDURATION' "$T/e/index.m3u8")" '#EXT-X-TARGETDURATION:4'
	unchecked "$T/e/index.m3u8" "segments over the live target, the breach the warning names"
}

@test "--master for HEVC with B-frames: FRAME-RATE counts frames, not presentation steps; fMP4's sample entry is the hvc1 CODECS names" {
	ffmpeg -v error -f lavfi -i testsrc2=size=320x180:rate=30 -f lavfi -i sine -t 8 -c:v libx265 \
		-x265-params log-level=none:bframes=3:b-pyramid=1:b-adapt=0 -g 60 -c:a aac "$T/hevc.ts"
	for f in ts fmp4; do
		ppv-segment -f $f -m vod -t 4 --master -o "$T/$f" "$T/hevc.ts"
		assert_equal "$(grep -o 'CODECS="hvc1[^,]*\|FRAME-RATE=.*' "$T/$f/master.m3u8" | paste -sd' ')" 'CODECS="hvc1.1.6.L60.90 FRAME-RATE=30.000'
		run $PY "$HLSCHECK" --master "$T/$f/master.m3u8"
		assert_success
	done
	cat "$T/fmp4/index-init.mp4" "$T/fmp4/index0.m4s" > "$T/first.mp4"
	assert_equal "$(ffprobe -v error -select_streams v -show_entries stream=codec_tag_string -of csv=p=0 "$T/first.mp4")" hvc1
}

@test "fMP4: each segment's audio starts where its video does, within one audio frame, however the input interleaved it" {
	ppv-segment -f fmp4 -m vod -t 4 -o "$T/f" in.ts
	for i in 1 2 3 4 5 6 7 8; do
		cat "$T/f/index-init.mp4" "$T/f/index$i.m4s" > "$T/one.mp4"
		v=$(ffprobe -v error -select_streams v -show_entries packet=pts_time -of csv=p=0 "$T/one.mp4" | sort -g | head -1)
		a=$(ffprobe -v error -select_streams a -show_entries packet=pts_time -of csv=p=0 "$T/one.mp4" | sort -g | head -1)
		# 1024 samples at 48 kHz
		awk -v v="$v" -v a="$a" 'BEGIN { d = a - v; exit !(d > -0.0214 && d < 0.0214) }' ||
			fail "segment $i: video starts at $v, audio at $a"
	done
}

@test "TS: each segment's audio starts and ends with its video, within one AAC frame, though FFmpeg's muxer sends it a third of a second late" {
	ppv-segment -m vod -t 4 -o "$T/t" in.ts
	first() { ffprobe -v error -select_streams "$1" -show_entries packet=pts_time -of csv=p=0 "$2" | grep . | sort -g | head -1; }
	last() { ffprobe -v error -select_streams a -show_entries packet=pts_time,duration_time -of csv=p=0 "$1" | sort -g | tail -1; }
	for i in 1 2 3 4 5 6 7 8; do
		v=$(first v "$T/t/index$i.ts")
		a=$(first a "$T/t/index$i.ts")
		# the previous segment's audio ends where this one's video starts
		e=$(last "$T/t/index$((i - 1)).ts")
		# one AAC frame at 48 kHz is 1024/48000 s; FFmpeg puts 15 of them in a PES
		awk -v v="$v" -v a="$a" -v e="$e" 'BEGIN { split(e, x, ","); d = a - v; f = x[1] + x[2] - v
			exit !(d > -0.0214 && d < 0.0214 && f > -0.0214 && f < 0.0214) }' ||
			fail "segment $i: video starts at $v, audio at $a; segment $((i - 1))'s audio ends at $e (start,length)"
	done
	run ffmpeg -v error -i "$T/t/index.m3u8" -f null -
	assert_success
	assert_output ''
	# the PES split at each cut keeps every audio frame, byte for byte (but
	# one that ends before the first picture), and the audio PID's
	# continuity counters run on without a break
	ffmpeg -v error -i in.ts -map 0:a -c copy -f framemd5 "$T/in.md5"
	ffmpeg -v error -i "$T/t/index.m3u8" -map 0:a -c copy -f framemd5 "$T/out.md5"
	run diff <(grep -v '^#' "$T/in.md5" | cut -d, -f5,6 | tail -n +2) <(grep -v '^#' "$T/out.md5" | cut -d, -f5,6)
	assert_success
	(cd "$T/t" && cat $(grep -v '^#' index.m3u8)) | $PY -c '
import sys
d = sys.stdin.buffer.read()
pmt = {}
want = {}
for i in range(0, len(d), 188):
    p = d[i:i + 188]
    pid = (p[1] & 0x1f) << 8 | p[2]
    if pid in (0, 0x1fff) or not p[3] & 0x10:
        continue
    cc = p[3] & 15
    if pid in want and cc != want[pid]:
        sys.exit(f"PID {pid:#x}: continuity counter {cc} at byte {i}, want {want[pid]}")
    want[pid] = (cc + 1) & 15
'
}

@test "a timestamp reset mid-stream: a discontinuity, each segment with its audio, no audio frame lost but one ending before a part's first picture" {
	ffmpeg -v error -f lavfi -i testsrc2=size=160x90:rate=25 -f lavfi -i sine -t 10 -c:v libx264 -preset ultrafast -g 25 \
		-c:a aac -output_ts_offset 100 "$T/j1.ts"
	ffmpeg -v error -f lavfi -i testsrc2=size=160x90:rate=25 -f lavfi -i sine -t 10 -c:v libx264 -preset ultrafast -g 25 \
		-c:a aac "$T/j2.ts"
	cat "$T/j1.ts" "$T/j2.ts" > "$T/jj.ts"
	frames() { ffprobe -v error -select_streams a -show_entries packet=pts_time -of csv=p=0 "$1" | grep -c . || true; }
	want=$(( $(frames "$T/j1.ts") + $(frames "$T/j2.ts") ))
	for f in ts fmp4; do
		ppv-segment -f $f -m vod -t 4 -o "$T/$f" "$T/jj.ts"
		assert_equal "$(grep -c '^#EXT-X-DISCONTINUITY$' "$T/$f/index.m3u8")" 1
		total=0
		for seg in $(grep -v '^#' "$T/$f/index.m3u8"); do
			if [ $f = ts ]; then
				n=$(frames "$T/$f/$seg")
			else
				cat "$T/$f/index-init.mp4" "$T/$f/$seg" > "$T/one.mp4"
				n=$(frames "$T/one.mp4")
			fi
			assert_num "$n" -gt 0
			total=$((total + n))
		done
		# each part starts with an AAC frame that ends as its first picture begins
		assert_num "$total" -ge $((want - 2))
		assert_num "$total" -le "$want"
	done
}

@test "a ladder is cut a variant per program, cues and cuts alike in each, one master naming them all; hls.js plays it" {
	ppv-transcode --ladder source,144p@200,96p@100 -o "$T/ladder.ts" in.ts
	ppv-splice inject --at 10/20 "$T/ladder.ts" > "$T/cued.ts"
	run ppv-segment -m vod -t 4 --cues both -o "$T/www/l" "$T/cued.ts"
	assert_success
	assert_output ''
	cd "$T/www/l"
	assert_equal "$(ls *.m3u8 | paste -sd' ')" 'index_144p.m3u8 index_96p.m3u8 index_source.m3u8 master.m3u8'
	# the same segments, durations, dates and cues in every variant, each its own program alone
	for v in source 144p 96p; do
		grep -v '^index' index_$v.m3u8 > $v.shape
		run ffprobe -v error -show_entries program=program_num -of csv=p=0 index_${v}1.ts
		assert_equal "$(echo "$output" | grep -c '^[0-9]')" 1
	done
	assert_equal "$(cat 144p.shape)" "$(cat source.shape)"
	assert_equal "$(cat 96p.shape)" "$(cat source.shape)"
	run grep -c '^#EXT-X-CUE-OUT:' source.shape
	assert_output 1
	run grep -o 'RESOLUTION=[0-9x]*' master.m3u8
	assert_equal "$(echo "$output" | paste -sd' ')" 'RESOLUTION=320x180 RESOLUTION=256x144 RESOLUTION=170x96'
	run grep -A1 '^#EXT-X-STREAM-INF' master.m3u8
	assert_line --index 1 index_source.m3u8
	for v in source 144p 96p; do
		run ffmpeg -v error -i index_$v.m3u8 -f null -
		assert_success
		assert_output ''
	done
	cd "$FIX"
	run $PY "$HLSCHECK" --vod "$T/www/l/index_144p.m3u8"
	assert_success
	serve "$T/www"
	plays_past_10s l/master.m3u8
}

@test "a ladder killed between two variants' playlists: the restart names what one lacks as EXT-X-GAP, segment N the same moment in each; hls.js plays through" {
	ffmpeg -v error -i in.ts -t 20 -c copy -f mpegts "$T/a0.ts"
	ffmpeg -v error -ss 20 -i in.ts -c copy -copyts -f mpegts "$T/b0.ts"
	ppv-transcode --ladder 144p@200,96p@100 -o "$T/a.ts" "$T/a0.ts"
	ppv-transcode --ladder 144p@200,96p@100 -o "$T/b.ts" "$T/b0.ts"
	ppv-segment -m event -t 4 --encrypt -o "$T/www/k" "$T/a.ts"
	cd "$T/www/k"
	# killed after 144p's playlist named segment 4, before 96p's did (its
	# segment still a temporary file, which a restart removes)
	sed -i '/^#EXT-X-ENDLIST/d' index_144p.m3u8 index_96p.m3u8
	head -n -2 index_96p.m3u8 > t && mv t index_96p.m3u8
	mv index_96p4.ts .index_96p4.ts.tmp
	assert_equal "$(tail -1 index_96p.m3u8)" index_96p3.ts
	run ppv-segment -m event -t 4 --encrypt -o "$T/www/k" "$T/b.ts"
	assert_success
	assert_output "ppv-segment: index_96p.m3u8: 1 segment(s) from 4 the killed run never wrote for this variant, which index_144p.m3u8 has: named as gaps"
	# the same numbers, durations, dates, keys and discontinuity in both; the gap where 96p had nothing
	run diff <(grep -v '^index' index_144p.m3u8) <(grep -v '^index' index_96p.m3u8)
	assert_output '12a13
> #EXT-X-GAP'
	assert_equal "$(grep -A2 '^#EXT-X-GAP' index_96p.m3u8 | tail -1)" index_96p4.ts
	assert_equal "$(ls -A | grep -c '\.tmp$')" 0
	for v in 144p 96p; do
		run $PY "$HLSCHECK" --event index_$v.m3u8
		assert_success
	done
	cd "$FIX"
	serve "$T/www"
	run play k/index_96p.m3u8 40
	assert_success
	refute_output --partial ':fatal'
	$PY -c 'import json, sys; r = json.loads(sys.argv[1]); assert r["ended"] and "k/index_96p4.ts" not in r["frags"] and "k/index_96p5.ts" in r["frags"], r' "$output"
}

@test "a ladder's run killed -9 at random moments: each variant names only whole segments, all numbered alike; a restart resumes" {
	ppv-transcode --ladder 144p@200,96p@100 -o "$T/ladder.ts" in.ts
	# and the event's last seconds, for the restart after the last kill
	ffmpeg -v error -ss 36 -i in.ts -c copy -copyts -f mpegts "$T/tail0.ts"
	ppv-transcode --ladder 144p@200,96p@100 -o "$T/tail.ts" "$T/tail0.ts"
	for round in 1 2 3; do
		paced "$T/ladder.ts" 40 | ppv-segment -m event -t 2 -o "$T/k" 2>> "$T/k.err" &
		BG=$!
		killed_after_a_segment "$T/k/index_96p.m3u8"
		# whatever a variant names, but a gap, exists and decodes
		for v in 144p 96p; do
			grep -v '^#' "$T/k/index_$v.m3u8" | while read -r seg; do
				grep -B2 -x "$seg" "$T/k/index_$v.m3u8" | grep -q '^#EXT-X-GAP' && continue
				ffmpeg -nostdin -v error -i "$T/k/$seg" -f null - || { echo "bad $seg"; exit 1; }
			done
		done
	done
	# the last run's kill is mended by the next start: the variants alike again
	run ppv-segment -m event -t 2 -o "$T/k" "$T/tail.ts"
	assert_success
	cd "$T/k"
	run diff <(grep -v '^index\|^#EXT-X-GAP' index_144p.m3u8) <(grep -v '^index\|^#EXT-X-GAP' index_96p.m3u8)
	assert_success
	for v in 144p 96p; do
		run $PY "$HLSCHECK" --event index_$v.m3u8
		assert_success
	done
	assert_equal "$(ls -A | grep -c '\.tmp$')" 0
}

@test "hls.js on a link throttled by DevTools picks a lower rung, switching without a fatal error; on a fast link the top one" {
	# noise keeps each rung near its rate, so the rungs differ as real ones do
	ffmpeg -v error -f lavfi -i testsrc2=size=640x360:rate=25 -f lavfi -i sine=frequency=440 -t 20 \
		-vf noise=alls=12:allf=t -c:v libx264 -preset ultrafast -g 50 -b:v 3000k -c:a aac -f mpegts "$T/n.ts"
	ppv-transcode --ladder 360p@1600,180p@400,144p@120 -o "$T/ladder.ts" "$T/n.ts"
	run ppv-segment -m vod -t 2 -o "$T/www/abr" "$T/ladder.ts"
	assert_success
	serve "$T/www"
	# 1.6 Mb/s holds 144p at the page's 4x speed, not 360p (2 Mb/s peak at 1x)
	run play_in hlsjs abr/master.m3u8 90 1600
	assert_success
	refute_output --partial ':fatal'
	$PY -c 'import json, sys; r = json.loads(sys.argv[1]); assert r["ended"] and r["levels"][0] == 360 and r["levels"][-1] < 360 and sum("360p" in f for f in r["frags"]) <= 3, r' "$output"
	run play_in hlsjs abr/master.m3u8 90
	assert_success
	refute_output --partial ':fatal'
	$PY -c 'import json, sys; r = json.loads(sys.argv[1]); assert r["ended"] and r["levels"][-1] == 360 and sum("360p" in f for f in r["frags"]) >= 8, r' "$output"
}

@test "a ladder live from a pipe: the variants grow in step" {
	ppv-transcode --ladder 144p@200,96p@100 -o "$T/ladder.ts" in.ts
	run bash -c "cat '$T/ladder.ts' | ppv-segment -m event -t 4 -o '$T/ev'"
	assert_success
	assert_equal "$(grep -c EXTINF "$T/ev/index_144p.m3u8")" "$(grep -c EXTINF "$T/ev/index_96p.m3u8")"
	assert_num "$(grep -c EXTINF "$T/ev/index_96p.m3u8")" -ge 9
	run grep -c '^#EXT-X-STREAM-INF' "$T/ev/master.m3u8"
	assert_output 2
}

@test "an encrypted ladder: one key sequence for every variant, a restart goes on with the next; ffmpeg and hls.js decrypt" {
	# the event in two parts, the second where the first stopped
	ffmpeg -v error -i in.ts -t 20 -c copy -f mpegts "$T/a0.ts"
	ffmpeg -v error -ss 20 -i in.ts -c copy -copyts -f mpegts "$T/b0.ts"
	ppv-transcode --ladder 144p@200,96p@100 -o "$T/a.ts" "$T/a0.ts"
	ppv-transcode --ladder 144p@200,96p@100 -o "$T/b.ts" "$T/b0.ts"
	run ppv-segment -m event -t 4 --encrypt --rotate 2 -o "$T/www/e" "$T/a.ts"
	assert_success
	cd "$T/www/e"
	# the key files are the ladder's, not a variant's; owner and group only
	assert_equal "$(ls *.key | paste -sd' ')" 'index.0.key index.1.key index.2.key'
	assert_equal "$(stat -c %a index.0.key)" 640
	run diff <(grep -n '^#EXT-X-KEY' index_144p.m3u8) <(grep -n '^#EXT-X-KEY' index_96p.m3u8)
	assert_success
	assert_equal "$(grep -c '^#EXT-X-KEY:METHOD=AES-128,URI="index.1.key"$' index_96p.m3u8)" 1
	# the run died (no ENDLIST): restarted on the same directory, it keeps
	# the keys the playlists name and goes on with a new one, the same for all
	sed -i '/^#EXT-X-ENDLIST/d' index_144p.m3u8 index_96p.m3u8
	run ppv-segment -m event -t 4 --encrypt --rotate 2 -o "$T/www/e" "$T/b.ts"
	assert_success
	assert_equal "$(grep '^#EXT-X-KEY' index_144p.m3u8 | cut -d, -f2 | sort -u | paste -sd' ')" \
		'URI="index.0.key" URI="index.1.key" URI="index.2.key" URI="index.3.key" URI="index.4.key" URI="index.5.key"'
	run diff <(grep '^#EXT-X-KEY' index_144p.m3u8) <(grep '^#EXT-X-KEY' index_96p.m3u8)
	assert_success
	for v in 144p 96p; do
		run ffmpeg -v error -allowed_extensions ALL -i index_$v.m3u8 -f null -
		assert_success
		assert_output ''
	done
	assert_encrypted index_96p1.ts
	cd "$FIX"
	serve "$T/www"
	plays_past_10s e/master.m3u8
}
