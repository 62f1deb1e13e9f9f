#!/usr/bin/env bats
# ppv-splice inject: cues into a transport stream, checked with ffprobe and
# ffmpeg (which know nothing of us) and with our own decoder.

load helpers

setup_file() {
	export FIX=$(mktemp -d /tmp/ppv-inject-fix.XXXXXX)
	ffmpeg -v error -f lavfi -i testsrc2=size=320x180:rate=25 -f lavfi -i sine=frequency=440 \
		-t 30 -c:v libx264 -preset ultrafast -g 50 -c:a aac -f mpegts "$FIX/in.ts"
	ppv-splice inject --at 10/5 --at 20/5 "$FIX/in.ts" > "$FIX/out.ts"
}

teardown_file() {
	rm -rf "$FIX"
}

start_time() {
	ffprobe -v error -select_streams v -show_entries stream=start_time -of csv=p=0 "$1" | grep . | head -n 1
}

@test "ffprobe sees an scte_35 data stream next to the video and audio" {
	run ffprobe -v error -show_entries stream=codec_type,codec_name -of csv=p=0 "$FIX/out.ts"
	assert_success
	assert_line 'h264,video'
	assert_line 'aac,audio'
	assert_line 'scte_35,data'
}

@test "decode -i finds an out and an in cue per break at the right media times" {
	run ppv-splice decode -i "$FIX/out.ts"
	assert_success
	assert_equal "${#lines[@]}" 4
	start=$(start_time "$FIX/out.ts")
	printf '%s\n' "${lines[@]}" | $PY -c '
import json, sys
start = float(sys.argv[1])
want = [(10, True, 5), (15, False, None), (20, True, 5), (25, False, None)]
for line, (t, out, dur) in zip(sys.stdin, want):
    c = json.loads(line)
    assert c["command"] == "splice_insert", c
    assert abs(c["pts_time"] - start - t) < 0.001, (c["pts_time"], start, t)
    assert c["out_of_network"] is out, c
    assert c["duration"] == dur, c
    if out:
        assert c["auto_return"] is True
' "$start"
}

@test "the preroll moves each cue ahead of its splice in the stream" {
	ppv-splice inject --at 10/5 --preroll 0 "$FIX/in.ts" > "$T/late.ts"
	early=$(ppv-splice decode -i "$FIX/out.ts" | head -n 1 | sed 's/.*"packet":\([0-9]*\).*/\1/')
	late=$(ppv-splice decode -i "$T/late.ts" | head -n 1 | sed 's/.*"packet":\([0-9]*\).*/\1/')
	total=$(( $(stat -c %s "$FIX/in.ts") / 188 ))
	# 4 s of a 30 s stream is about 13% of its packets
	$PY -c 'import sys; e, l, t = map(int, sys.argv[1:]); d = (l - e) / t; assert 0.09 < d < 0.18, d' "$early" "$late" "$total"
}

@test "video and audio packets come through unchanged" {
	ffmpeg -v error -i "$FIX/in.ts" -map 0:v -map 0:a -c copy -f framemd5 "$FIX/in.md5"
	ffmpeg -v error -i "$FIX/out.ts" -map 0:v -map 0:a -c copy -f framemd5 "$FIX/out.md5"
	run diff "$FIX/in.md5" "$FIX/out.md5"
	assert_success
	# and nothing but the PMT and the cue packets was added
	in=$(stat -c %s "$FIX/in.ts") out=$(stat -c %s "$FIX/out.ts")
	[ $(( (out - in) / 188 )) -eq 4 ]
}

@test "a schedule CSV gives the event ids; --pid picks the PID" {
	printf 'at,duration,event_id\n8,4,4242\n' > "$T/sched.csv"
	run ppv-splice inject --schedule "$T/sched.csv" --pid 0x1f0 -o "$T/out.ts" "$FIX/in.ts"
	assert_success
	run ppv-splice decode -i "$T/out.ts"
	assert_success
	assert_line --index 0 --partial '"pid":496,'
	assert_line --index 0 --partial '"event_id":4242,'
}

@test "a break past the end of the stream is reported, not lost silently" {
	run ppv-splice inject --at 100/30 -o "$T/out.ts" "$FIX/in.ts"
	assert_failure 1
	assert_output --regexp 'the stream ended at [0-9.]+s: 2 cue\(s\) from the break at 100.000s on not sent'
}

@test "input that is not a transport stream is a clear error" {
	head -c 5000 /dev/urandom > "$T/junk"
	run ppv-splice inject --at 10 "$T/junk"
	assert_failure 2
	assert_output --partial 'not an MPEG transport stream'
	run ppv-splice inject --at 10 --pid 0x10 "$FIX/in.ts"
	assert_failure 2
	run ppv-splice inject "$FIX/in.ts"
	assert_failure 2
	assert_output 'ppv-splice: no breaks: give --at T[/D] or --schedule FILE'
}

@test "decode -i and inject regain lost sync alike, and refuse what is not a TS" {
	# 1000 bytes of zeros between packets 100 and 101, and a cut last packet
	{ head -c $((100 * 188)) "$FIX/out.ts"; head -c 1000 /dev/zero
	  tail -c +$((100 * 188 + 1)) "$FIX/out.ts"; printf 'cut'; } > "$T/lost.ts"
	ppv-splice decode -i "$FIX/out.ts" | sed 's/"packet":[0-9]*,//' > "$T/clean.json"
	run --separate-stderr ppv-splice decode -i "$T/lost.ts"
	assert_success
	assert_equal "$(sed 's/"packet":[0-9]*,//' <<<"$output")" "$(cat "$T/clean.json")"
	assert_equal "$stderr" "ppv-splice: $T/lost.ts: 3 bytes of a truncated last packet dropped
ppv-splice: $T/lost.ts: 1000 bytes out of sync skipped"
	run --separate-stderr ppv-splice inject --at 5/5 -o "$T/re.ts" "$T/lost.ts"
	assert_success
	assert_equal "$stderr" "ppv-splice: $T/lost.ts: 3 bytes of a truncated last packet dropped
ppv-splice: $T/lost.ts: 1000 bytes out of sync skipped"
	# noise, and noise that happens to start with a sync byte ('G' is 0x47)
	{ head -c 20000 /dev/urandom | tr -d G | head -c 5000; } > "$T/junk"
	{ printf G; head -c 4999 /dev/zero; } > "$T/g"
	for f in junk g; do
		run ppv-splice decode -i "$T/$f"
		assert_failure 2
		assert_output "ppv-splice: $T/$f: not an MPEG transport stream (no 0x47 sync byte)"
	done
}

@test "overlapping breaks are refused" {
	run ppv-splice inject --at 10/30 --at 20/5 "$FIX/in.ts"
	assert_failure 2
	assert_output 'ppv-splice: the break at 20.000000s overlaps the one at 10.000000s'
}

@test "a closed pipe downstream ends inject quietly" {
	run bash -c "ppv-splice inject --at 10 '$FIX/in.ts' | head -c 1000 > /dev/null; echo \${PIPESTATUS[0]}"
	refute_output --partial 'ppv-splice:'
}

# each program's number, then the PID of its SCTE-35 stream if it has one
cue_pids() {
	ffprobe -v error -show_programs -of json "$1" | $PY -c '
import json, sys
for p in json.load(sys.stdin)["programs"]:
    print(p["program_num"], *[s["id"] for s in p["streams"] if s["codec_name"] == "scte_35"])'
}

@test "a ladder's every program gets the cue PID; a program already using the PID chosen is an error naming --pid" {
	ppv-transcode --ladder source,144p@200,96p@100 -o "$T/ladder.ts" "$FIX/in.ts"
	ppv-splice inject --at 10/5 "$T/ladder.ts" > "$T/cued.ts"
	run cue_pids "$T/cued.ts"
	assert_success
	assert_equal "$(echo "$output" | cut -d' ' -f1 | paste -sd' ')" '1 2 3'
	assert_equal "$(echo "$output" | cut -d' ' -f2 | sort -u | wc -l)" 1
	assert_equal "$(echo "$output" | awk '{ print NF }' | sort -u)" 2
	run ppv-splice decode -i "$T/cued.ts"
	assert_equal "${#lines[@]}" 2
	# program 1 on PIDs 256 and 257, program 2's video on 258: the PID after
	# the first program's is taken
	ffmpeg -v error -i "$FIX/in.ts" -map 0:v -map 0:a -map 0:v -c copy -streamid 0:256 -streamid 1:257 \
		-streamid 2:258 -program st=0:st=1 -program st=2 -f mpegts "$T/two.ts"
	run bash -c "ppv-splice inject --at 10/5 '$T/two.ts' > /dev/null"
	assert_failure 2
	assert_output --partial 'the cue PID 258 is a stream of program 2: give --pid a free one'
	ppv-splice inject --at 10/5 --pid 500 "$T/two.ts" > "$T/two-cued.ts"
	run cue_pids "$T/two-cued.ts"
	assert_output "1 0x1f4
2 0x1f4"
}

@test "inject writes a read's worth at a time, not 4 KiB" {
	# it flushes before each 64 KiB read, so a live stream never waits in its
	# buffer; between reads glibc must not cut the output into 4 KiB writes
	# (it ignores setvbuf's size when it is to allocate the buffer itself)
	# LeakSanitizer cannot run under ptrace: off for this one run under ASan
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -e trace=write -o "$BATS_TEST_TMPDIR/trace" ppv-splice inject --at 10/5 "$FIX/in.ts" > "$BATS_TEST_TMPDIR/out.ts"
	size=$(stat -c %s "$FIX/in.ts")
	writes=$(grep -c '^write(1,' "$BATS_TEST_TMPDIR/trace")
	assert_num "$writes" -le "$(( (size + 65535) / 65536 + 2 ))"
}
