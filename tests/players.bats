#!/usr/bin/env bats
# Every player plays every playlist: hls.js, Shaka Player (mux.js beside it for
# TS) and video.js (its VHS engine), each in headless Chromium, play what
# ppv-segment and ppv-splice stitch make, through the pod and back to the end.
# A live event is stitched and played while it is live. Every playlist is
# also checked by the RFC 8216 checker and, when encrypted,
# decrypted segment by segment with the IV the RFC gives it.

load helpers

HLSCHECK="$BATS_TEST_DIRNAME/lib/hlscheck.py"
HLSDECRYPT="$BATS_TEST_DIRNAME/lib/hlsdecrypt.py"

setup_file() {
	export FIX=$(mktemp -d /tmp/ppv-players-fix.XXXXXX)
	cd "$FIX"
	enc="-c:v libx264 -preset ultrafast -g 25 -c:a aac -ar 48000"
	ffmpeg -v error -f lavfi -i testsrc2=size=320x180:rate=25 -f lavfi -i sine=frequency=440 -t 16 $enc content.ts
	ffmpeg -v error -f lavfi -i color=red:size=320x180:rate=25 -f lavfi -i sine=frequency=880 -t 4 $enc ad.ts
	# the ad in both containers, as a catalog would hold it
	ppv-segment -m vod -t 2 -o ad-ts ad.ts
	ppv-segment -f fmp4 -m vod -t 2 -o ad-mp4 ad.ts
	# the content cued at 8 s for 4 s, as ppv-ingest | ppv-splice inject leaves it
	ppv-splice inject --at 8/4 content.ts > cued.ts
}

teardown_file() {
	rm -rf "$FIX"
}

per_test() {
	cd "$FIX"
	serve "$FIX"
}

per_test_end() {
	[ -z "${BG:-}" ] || kill $BG 2>/dev/null || true
	stop_server
}

# what player $1 printed ($2, play.js's JSON) shows: nothing fatal, played
# to the end, every segment of $3 (names as the players log them) fetched,
# none of $4
played() {
	$PY - "$1" "$2" "$3" "${4:-}" <<-'PY'
	import json, sys
	p, r, want, never = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3].split(), sys.argv[4].split()
	assert not [e for e in r["errors"] if e.endswith(":fatal")], (p, r["errors"])
	assert r["ended"], (p, "did not play to the end", r)
	missing = [f for f in want if f not in r["frags"]]
	assert not missing, (p, "never fetched", missing, r["frags"])
	fetched = [f for f in never if f in r["frags"]]
	assert not fetched, (p, "fetched", fetched, r["frags"])
	PY
}

# plays $1 in each player, as played() wants it for the segments $2
in_every_player() {
	local p
	for p in hlsjs shaka videojs; do
		run play_in $p "$1" 40
		assert_success
		played $p "$output" "$2"
	done
}

@test "stitched TS and fMP4, clear and encrypted: all three players play content, the pod, content to the end" {
	for f in ts fmp4; do
		for e in clear encrypt; do
			d=$f-$e
			ppv-segment -f $f -m vod -t 4 $([ $e = clear ] || echo --encrypt) -o $d content.ts
			ad=ad-ts
			[ $f = ts ] || ad=ad-mp4
			ppv-splice stitch --ad $ad/index.m3u8 --at 8 -o $d/stitched.m3u8 $d/index.m3u8
			run $PY "$HLSCHECK" --vod $d/stitched.m3u8
			assert_success
			run $PY "$HLSDECRYPT" $d/stitched.m3u8
			assert_success
			ext=ts
			[ $f = ts ] || ext=m4s
			in_every_player $d/stitched.m3u8 "$d/index1.$ext $ad/index0.$ext $ad/index1.$ext $d/index2.$ext $d/index3.$ext"
		done
	done
}

@test "a Chromium that dies mid-play is started once more and the play says so; one that dies again fails the play" {
	ppv-segment -m vod -t 4 -o d content.ts
	# a browser killed 3 s after it starts, the first N times: the play lasts 16 s
	cat > "$FIX/chromium" <<-'SH'
	#!/bin/sh
	n=$(cat "$FIX/launches" 2>/dev/null || echo 0)
	echo $((n + 1)) > "$FIX/launches"
	[ "$n" -lt "$DIES" ] || exec /usr/bin/chromium "$@"
	/usr/bin/chromium "$@" &
	sleep 3
	kill -9 $!
	SH
	chmod +x "$FIX/chromium"
	export FIX CHROMIUM=$FIX/chromium DIES=1
	run play_in hlsjs d/index.m3u8 40
	assert_success
	played hlsjs "$output" "d/index0.ts d/index3.ts"
	assert_equal "$(cat "$FIX/launches")" 2
	# the play says why it was made twice (the kill may land in launch, goto or a poll)
	assert_regex "$($PY -c 'import json, sys; print(json.loads(sys.argv[1])["restarts"])' "$output")" "^\['[a-zA-Z.]+: (Target page, context or browser has been closed|Browser closed)"
	rm "$FIX/launches"
	DIES=2
	run play_in hlsjs d/index.m3u8 40
	assert_equal "$status" 2
	assert_output --partial 'play.js: '
	assert_equal "$(cat "$FIX/launches")" 2
}

@test "a stitched master: all three players play a variant through the pod" {
	for v in 0 1; do
		ppv-segment -m vod -t 4 -o m/v$v content.ts
	done
	printf '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=600000,CODECS="avc1.64000d,mp4a.40.2"\nv0/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=900000,CODECS="avc1.64000d,mp4a.40.2"\nv1/index.m3u8\n' > m/master.m3u8
	ppv-splice stitch --ad ad-ts/index.m3u8 --at 8 -o m/out/master.m3u8 m/master.m3u8
	in_every_player m/out/master.m3u8 "ad-ts/index0.ts ad-ts/index1.ts"
}

# the three players at once on a live PLAYLIST from its first version on,
# each's JSON into DIR/PLAYER.json, until the PIDs after (the event) end
players_live() {
	local list=$1 dir=$2 p pid plays=
	shift 2
	for p in hlsjs shaka videojs; do
		play_in $p "$list" 90 > "$dir/$p.json" &
		plays="$plays $!"
	done
	BG="$BG $plays"
	wait "$@"
	for pid in $plays; do
		wait $pid || true
	done
	BG=
}

@test "a live event stitched with each cue style, played while it is live: all three players play the pod in place of the break and go on" {
	for cues in cue daterange both; do
		d=live-$cues
		mkdir -p $d/snap
		: > $d/stitch.err
		# the encoder's side: the cued stream at its own pace, cut as it comes;
		# ppv-segment ends the event when its input ends
		paced cued.ts 16 | ppv-segment -m event -t 2 --cues $cues -o $d &
		BG="$BG $!"
		seg=$!
		# the stitcher: a refresh every half second, each snapshot kept, and
		# one more once the event has ended
		{ n=0
		  while :; do
			kill -0 $seg 2>/dev/null && live=1 || live=
			if [ -f $d/index.m3u8 ]; then
				ppv-splice stitch --live --state $d/state --ad ad-ts/index.m3u8 -o $d/live.m3u8 $d/index.m3u8 \
					2>> $d/stitch.err || echo "refresh $n: exit $?" >> $d/stitch.err
				n=$((n + 1))
				cp $d/live.m3u8 $d/snap/$(printf %04d $n).m3u8
			fi
			[ -n "$live" ] || break
			sleep 0.5
		  done; } &
		BG="$BG $!"
		stitcher=$!
		for _ in $(seq 200); do [ -f $d/live.m3u8 ] && break; sleep 0.1; done
		# the three players at once, from the first playlist on
		players_live $d/live.m3u8 $d $seg $stitcher
		assert_equal "$(cat $d/stitch.err)" ''
		# every refresh, by the letter: one target duration, numbers that hold
		run $PY "$HLSCHECK" --event $d/snap/*.m3u8
		assert_success
		# the break's content (8 to 12 s) never; the ad in its place
		run grep -c '^index[45]\.ts$' $d/live.m3u8
		assert_output 0
		for p in hlsjs shaka videojs; do
			# a player joins at the live edge: what came before the pod may
			# be behind it, on a loaded machine
			played $p "$(cat $d/$p.json)" "ad-ts/index0.ts ad-ts/index1.ts $d/index6.ts $d/index7.ts" \
				"$d/index4.ts $d/index5.ts"
		done
	done
}

@test "a live ladder stitched for one viewer: each variant gets the ad rendition closest in bandwidth; all three players play the master through the pod" {
	# content and ad as ladders of two rungs; noise keeps the ad's rungs apart in rate
	ppv-transcode --ladder 180p@600,96p@150 -o ladder.ts content.ts
	ppv-splice inject --at 8/4 ladder.ts > lcued.ts
	ffmpeg -v error -f lavfi -i color=red:size=320x180:rate=25 -f lavfi -i sine=frequency=880 -t 4 \
		-vf noise=alls=30:allf=t -c:v libx264 -preset ultrafast -g 25 -c:a aac -f mpegts "$T/adn.ts"
	ppv-transcode --ladder 180p@600,96p@150 -o "$T/adl.ts" "$T/adn.ts"
	ppv-segment -m vod -t 2 -o adl "$T/adl.ts"
	d=lv
	rm -rf $d
	mkdir -p $d/snap
	: > $d/stitch.err
	paced lcued.ts 16 | ppv-segment -m event -t 2 -o $d &
	BG="$BG $!"
	seg=$!
	# the viewer's master, refreshed every half second once both rungs are in
	# the segmenter's master
	{ n=0
	  while :; do
		kill -0 $seg 2>/dev/null && live=1 || live=
		if [ "$(grep -c '^#EXT-X-STREAM-INF' $d/master.m3u8 2>/dev/null)" = 2 ]; then
			ppv-splice stitch --live --state $d/viewer1.state --viewer 1 --ad adl/master.m3u8 \
				-o $d/viewer1/master.m3u8 $d/master.m3u8 2>> $d/stitch.err || echo "refresh $n: exit $?" >> $d/stitch.err
			n=$((n + 1))
			for v in 180p 96p; do
				cp $d/viewer1/index_$v.m3u8 $d/snap/$v-$(printf %04d $n).m3u8
			done
		fi
		[ -n "$live" ] || break
		sleep 0.5
	  done; } &
	BG="$BG $!"
	stitcher=$!
	for _ in $(seq 200); do [ -f $d/viewer1/master.m3u8 ] && break; sleep 0.1; done
	players_live $d/viewer1/master.m3u8 $d $seg $stitcher
	assert_equal "$(cat $d/stitch.err)" ''
	# each rung's every refresh by the letter, and the pod in the ad's closest rung
	for v in 180p 96p; do
		run $PY "$HLSCHECK" --event $d/snap/$v-*.m3u8
		assert_success
		run grep -c "^\.\./\.\./adl/index_${v}[01]\.ts$" $d/viewer1/index_$v.m3u8
		assert_output 2
		run grep -c "^\.\./index_${v}[45]\.ts$" $d/viewer1/index_$v.m3u8
		assert_output 0
	done
	for p in hlsjs shaka videojs; do
		$PY - $p "$(cat $d/$p.json)" <<-'PY'
		import json, sys
		p, r = sys.argv[1], json.loads(sys.argv[2])
		assert not [e for e in r["errors"] if e.endswith(":fatal")], (p, r["errors"])
		assert r["ended"], (p, "did not play to the end", r)
		ads = [f for f in r["frags"] if f.startswith("adl/")]
		assert len(ads) >= 2, (p, "no pod", r["frags"])
		assert not [f for f in r["frags"] if f.endswith(("p4.ts", "p5.ts")) and f.startswith("lv/")], (p, "the break's content", r["frags"])
		assert [f for f in r["frags"] if f.endswith(("p6.ts", "p7.ts"))], (p, "nothing after the pod", r["frags"])
		PY
	done
}
