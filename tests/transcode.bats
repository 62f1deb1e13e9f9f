#!/usr/bin/env bats
# ppv-transcode: the ladder read back by ffprobe and ffmpeg: a program per
# rung, the asked sizes and rates, keyframes at the same times in all.

load helpers

setup_file() {
	export FIX=$(mktemp -d /tmp/ppv-transcode-fix.XXXXXX)
	cd "$FIX"
	# 720p30 with a keyframe every 2 s, and one with keyframes 1.5 s apart
	ffmpeg -v error -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440 -t 10 \
		-c:v libx264 -preset ultrafast -g 60 -c:a aac -ar 48000 -f mpegts src.ts
	ffmpeg -v error -f lavfi -i testsrc2=size=640x360:rate=30 -f lavfi -i sine=frequency=440 -t 6 \
		-c:v libx264 -preset ultrafast -g 45 -c:a aac -ar 48000 -f mpegts small.ts
}

teardown_file() {
	rm -rf "$FIX"
}

per_test() {
	cd "$FIX"
}

# program number, service name, size and mean rate (kb/s) of each program's
# video, one line each; then the audio PIDs each program names
programs() {
	ffprobe -v error -show_programs -show_entries packet=stream_index,pts,size,flags -of json "$1" | $PY -c '
import json, sys
d = json.load(sys.stdin)
pk = {}
for p in d["packets"]:
    pk.setdefault(p["stream_index"], []).append(p)
for p in d["programs"]:
    v = [s for s in p["streams"] if s["codec_type"] == "video"][0]
    a = [s["id"] for s in p["streams"] if s["codec_type"] == "audio"]
    ps = pk[v["index"]]
    pts = [int(x["pts"]) for x in ps]
    secs = (max(pts) - min(pts)) / 90000 + 1 / 30
    kbps = sum(int(x["size"]) for x in ps) * 8 / secs / 1000
    print(p["program_num"], p["tags"]["service_name"], "%dx%d" % (v["width"], v["height"]), round(kbps), *a)
'
}

# the presentation times of FILE's first video stream, in order
video_pts() {
	ffprobe -v error -select_streams v:0 -show_entries packet=pts -of csv=p=0 "$1" | cut -d, -f1 | grep . | sort -n
}

# the keyframe times of each video stream, one line each
keyframes() {
	ffprobe -v error -select_streams v -show_entries packet=stream_index,pts,flags -of csv=p=0 "$1" |
		awk -F, 'NF > 2 && $3 ~ /K/ { k[$1] = k[$1] " " $2 } END { for (s in k) print k[s] }' | sort -u
}

@test "a program per rung in SPEC order: the asked sizes, rates within 25%, the audio shared" {
	run ppv-transcode --ladder source,720p@2000,480p@800,360p@400 -o "$T/l.ts" src.ts
	assert_success
	assert_output ''
	run programs "$T/l.ts"
	assert_success
	$PY - "$output" <<-'PY'
	import sys
	rows = [l.split() for l in sys.argv[1].splitlines()]
	assert [r[:3] for r in rows] == [["1", "source", "1280x720"], ["2", "720p", "1280x720"],
	                                ["3", "480p", "854x480"], ["4", "360p", "640x360"]], rows
	for r, want in zip(rows[1:], (2000, 800, 400)):
	    assert abs(int(r[3]) - want) <= want / 4, (r, want)
	assert len({r[4] for r in rows}) == 1 and all(len(r) == 5 for r in rows), ("one audio PID", rows)
	PY
	run ffmpeg -v error -i "$T/l.ts" -map 0 -f null -
	assert_success
	assert_output ''
}

@test "keyframes where the source has them in every rung; every --gop without a source rung" {
	ppv-transcode --ladder source,480p@800,360p@400 -o "$T/s.ts" src.ts
	run keyframes "$T/s.ts"
	assert_success
	assert_equal "$(echo "$output" | wc -l)" 1
	src=$(keyframes src.ts)
	assert_equal "$output" "$src"
	# no source rung: on a 3 s grid from the first picture, the same in each
	ppv-transcode --ladder 480p@800,360p@400 --gop 3 -o "$T/g.ts" src.ts
	run keyframes "$T/g.ts"
	assert_equal "$(echo "$output" | wc -l)" 1
	first=$(video_pts src.ts | head -1)
	assert_equal "$output" " $first $((first + 270000)) $((first + 540000)) $((first + 810000))"
}

@test "timestamps pass through: each rung starts and ends where the source does" {
	ppv-transcode --ladder 360p@400 -o "$T/t.ts" src.ts
	assert_equal "$(video_pts "$T/t.ts" | sed -n '1p;$p' | paste -sd' ')" "$(video_pts src.ts | sed -n '1p;$p' | paste -sd' ')"
}

@test "rungs taller than the source are left out with a note; --gop, --ladder and the input checked" {
	run ppv-transcode -o "$T/small.ts" small.ts
	assert_success
	assert_output 'ppv-transcode: --ladder: 720p, 480p: taller than the 360-line source, left out'
	run programs "$T/small.ts"
	assert_equal "$(echo "$output" | cut -d' ' -f2,3 | paste -sd,)" 'source 640x360,360p 640x360'
	run ppv-transcode -q -o "$T/small.ts" small.ts
	assert_output ''
	run ppv-transcode --ladder 720p@3000 small.ts
	assert_failure 2
	assert_output 'ppv-transcode: small.ts: no rung fits a 640x360 source'
	run ppv-transcode --ladder 720p@3k small.ts
	assert_failure 2
	assert_output "ppv-transcode: --ladder: '720p@3k': a rung is HEIGHTp@KBPS (720p@3000) or source"
	run ppv-transcode --gop 0 small.ts
	assert_failure 2
	run ppv-transcode a.ts b.ts
	assert_failure 2
}

@test "bad input: garbage, no video, nothing: a clear error, exit 2, no output file" {
	# the same bytes every run: random ones were, once in a few hundred
	# runs, taken for video of no size
	python3 -c 'import random, sys; sys.stdout.buffer.write(random.Random(1).randbytes(100000))' > "$T/junk"
	run ppv-transcode -o "$T/out.ts" "$T/junk"
	assert_failure 2
	assert_output --regexp '^ppv-transcode: .*junk: '
	ffmpeg -v error -f lavfi -i sine -t 2 -c:a aac -f mpegts "$T/audio.ts"
	run ppv-transcode -o "$T/out.ts" "$T/audio.ts"
	assert_failure 2
	assert_output "ppv-transcode: $T/audio.ts: no video stream"
	run ppv-transcode -o "$T/out.ts" < /dev/null
	assert_failure 2
	assert_output --regexp '^ppv-transcode: stdin: '
	# H.263 picture start codes, each with an extended type that is never
	# given: probed as video of no size (once seen from /dev/urandom)
	python3 -c '
import random, sys
r = random.Random(7)
for k in range(60):
    sys.stdout.buffer.write(int("0000000000000000100000" + format(k, "08b") + "100001110000000000", 2).to_bytes(6, "big"))
    sys.stdout.buffer.write(bytes(r.randrange(1, 256) for _ in range(800)))' > "$T/nosize"
	run ppv-transcode -o "$T/out.ts" "$T/nosize"
	assert_failure 2
	assert_output "ppv-transcode: $T/nosize: the source has no picture size or frame rate"
	run ls -A "$T"
	refute_output --partial out.ts
}

@test "in a pipe: stdin in, a closed pipe ends it quietly, SIGTERM leaves a whole stream" {
	run bash -c 'ppv-transcode --ladder 360p@400 < src.ts | head -c 10000 | wc -c'
	assert_success
	assert_output 10000
	# SIGTERM while the encoder waits for more: it ends with the pipe still open
	mkfifo "$T/in"
	ppv-transcode --ladder 360p@400 < "$T/in" > "$T/cut.ts" 2> "$T/err" &
	pid=$!
	exec 5> "$T/in"
	head -c 1000000 src.ts >&5
	sleep 1
	kill -TERM $pid
	for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	run kill -0 $pid
	exec 5>&-
	assert_failure
	wait $pid
	assert_equal "$(cat "$T/err")" ''
	run ffmpeg -v error -i "$T/cut.ts" -f null -
	assert_success
	assert_output ''
	run programs "$T/cut.ts"
	assert_output --regexp '^1 360p 640x360 '
}

@test "on a terminal the pictures done show on stderr; in a pipe or a file, nothing" {
	run script -qec "ppv-transcode --ladder 360p@400 -o '$T/p.ts' small.ts" /dev/null
	assert_success
	assert_output --partial 'pictures, done'
	run ppv-transcode --ladder 360p@400 -o "$T/p.ts" small.ts
	assert_success
	assert_output ''
}

@test "live: a ladder slower than real time says how far behind it is" {
	# placebo at 720p on two cores: far slower than the 30 pictures a second that come
	ppv-transcode --preset placebo --ladder 720p@3000 < src.ts > /dev/null 2> "$T/err" &
	pid=$!
	for _ in $(seq 600); do
		grep -q 'behind real time' "$T/err" && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	kill -9 $pid
	wait $pid || true
	run cat "$T/err"
	assert_output --regexp '^ppv-transcode: [0-9.]+ s behind real time after [0-9.]+ s of media: a faster --preset or fewer rungs$'
}

@test "audio other than AAC is made AAC once for every program; --audio copy keeps it, --audio aac@KBPS always encodes" {
	ffmpeg -v error -f lavfi -i testsrc2=size=320x180:rate=25 -f lavfi -i sine=frequency=440 -t 4 \
		-c:v libx264 -preset ultrafast -g 50 -c:a libmp3lame -ar 44100 -f mpegts "$T/mp3.ts"
	# codec, sample rate and duration of each audio stream (one, shared by the programs)
	audio() {
		ffprobe -v error -select_streams a -show_entries stream=codec_name,sample_rate,duration -of csv=p=0 "$1" |
			grep . | sort -u
	}
	ppv-transcode --ladder source,144p@200 -o "$T/a.ts" "$T/mp3.ts"
	run audio "$T/a.ts"
	assert_output --regexp '^aac,44100,(3\.9|4\.0|4\.1)[0-9]*$'
	run ffmpeg -v error -i "$T/a.ts" -map 0 -f null -
	assert_success
	assert_output ''
	ppv-transcode --audio copy --ladder 144p@200 -o "$T/c.ts" "$T/mp3.ts"
	run audio "$T/c.ts"
	assert_output --regexp '^mp3,44100,'
	ppv-transcode --audio aac@64 --ladder 144p@200 -o "$T/e.ts" small.ts
	run ffprobe -v error -select_streams a -show_entries stream=codec_name,bit_rate -of csv=p=0 "$T/e.ts"
	assert_output --regexp '^aac,6[0-9]{4}'
	run ppv-transcode --audio opus small.ts
	assert_failure 2
	assert_output "ppv-transcode: --audio: 'opus' is neither copy nor aac[@KBPS]"
}

@test "the input's SCTE-35 cues go into every program unchanged; each variant ppv-segment cuts has the break at the same place" {
	ppv-splice inject --at 2/2 small.ts > "$T/cued.ts"
	run ppv-transcode --ladder 360p@500,240p@250 -o "$T/l.ts" "$T/cued.ts"
	assert_success
	# every program's PMT names the cue PID, as a SCTE-35 stream
	run sh -c "ffprobe -v error -show_entries program_stream=codec_name -of csv=p=0 '$T/l.ts' | grep -c scte_35"
	assert_output 2
	# the cues themselves: the same sections, only the PID is the ladder's
	ppv-splice decode -i "$T/cued.ts" | sed 's/"pid":[0-9]*,"packet":[0-9]*,//' > "$T/in.json"
	ppv-splice decode -i "$T/l.ts" | sed 's/"pid":[0-9]*,"packet":[0-9]*,//' > "$T/out.json"
	run wc -l < "$T/in.json"
	assert_output 2
	run diff "$T/in.json" "$T/out.json"
	assert_success
	run ppv-segment -o "$T/hls" "$T/l.ts"
	assert_success
	run sh -c "grep -n CUE '$T/hls/index_360p.m3u8'"
	assert_line --index 0 --regexp '^[0-9]+:#EXT-X-CUE-OUT:DURATION=2'
	assert_line --index 1 --regexp '^[0-9]+:#EXT-X-CUE-IN'
	cue360=$output
	run sh -c "grep -n CUE '$T/hls/index_240p.m3u8'"
	assert_output "$cue360"
}

# PSNR of rung N of FILE (WxH) against the source scaled to WxH directly,
# bicubic, pictures paired by number
rung_psnr() {
	ffmpeg -v info -i "$1" -i src.ts -filter_complex \
		"[1:v:0]setpts=N/30/TB,scale=${3/x/:}:flags=bicubic[r];[0:v:$2]setpts=N/30/TB[d];[d][r]psnr" -f null - 2>&1 |
		sed -n 's/.*PSNR .* average:\([0-9.]*\).*/\1/p'
}

# scaled_from BIGGER RUNG WxH: RUNG's PSNR when it follows BIGGER in the
# ladder against RUNG's alone, "close" within 0.2 dB (x264's own choices
# vary that much between runs), else "worse", after both figures
scaled_from() {
	ppv-transcode --ladder "$1,$2" -o "$T/from.ts" src.ts
	ppv-transcode --ladder "$2" -o "$T/direct.ts" src.ts
	awk -v c="$(rung_psnr "$T/from.ts" 1 "$3")" -v d="$(rung_psnr "$T/direct.ts" 0 "$3")" \
		'BEGIN { printf "%s dB against %s: ", c, d; print (c != "" && c >= d - 0.2) ? "close" : "worse" }'
}

@test "a rung half the size of another is scaled from it and stays as close to the source as one scaled directly" {
	run scaled_from 360p@800 180p@250 320x180
	assert_success
	assert_output --regexp ': close$'
}

@test "a rung two thirds the size of another takes its luma from it and stays as close to the source as one scaled directly" {
	run scaled_from 360p@800 240p@400 426x240
	assert_success
	assert_output --regexp ': close$'
}
