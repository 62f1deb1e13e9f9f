#!/usr/bin/env bats
# ppv-splice stitch: playlists the ffmpeg CLI made, stitched, then read by
# videojs' m3u8-parser and played by hls.js in headless Chromium.

load helpers

HLSDECRYPT="$BATS_TEST_DIRNAME/lib/hlsdecrypt.py"
HLSCHECK="$BATS_TEST_DIRNAME/lib/hlscheck.py"

setup_file() {
	export FIX=$(mktemp -d /tmp/ppv-stitch-fix.XXXXXX)
	cd "$FIX"
	mkdir -p content ad ad8 slate m/v0 m/v1 adm/v0 adm/v1
	enc="-c:v libx264 -preset ultrafast -g 25 -c:a aac -ar 48000"
	ffmpeg -v error -f lavfi -i testsrc2=size=320x180:rate=25 -f lavfi -i sine=frequency=440 -t 16 $enc \
		-f hls -hls_time 4 -hls_playlist_type vod -hls_segment_filename 'content/c%03d.ts' content/index.m3u8
	ffmpeg -v error -f lavfi -i color=red:size=320x180:rate=25 -f lavfi -i sine=frequency=880 -t 4 $enc \
		-f hls -hls_time 2 -hls_playlist_type vod -hls_segment_filename 'ad/a%03d.ts' ad/index.m3u8
	ffmpeg -v error -f lavfi -i color=green:size=320x180:rate=25 -f lavfi -i sine=frequency=660 -t 8 $enc \
		-f hls -hls_time 4 -hls_playlist_type vod -hls_segment_filename 'ad8/b%03d.ts' ad8/index.m3u8
	ffmpeg -v error -f lavfi -i color=black:size=320x180:rate=25 -f lavfi -i anullsrc=r=48000 -t 2 $enc \
		-f hls -hls_time 1 -hls_playlist_type vod -hls_segment_filename 'slate/s%03d.ts' slate/index.m3u8
	ffmpeg -v error -f lavfi -i testsrc2=size=320x180:rate=25 -f lavfi -i sine=frequency=440 -t 16 $enc content.ts
	for v in 0 1; do
		ffmpeg -v error -f lavfi -i testsrc2=size=320x180:rate=25 -f lavfi -i sine -t 12 $enc -b:v $((300 + v * 500))k \
			-f hls -hls_time 4 -hls_playlist_type vod -hls_segment_type fmp4 -hls_fmp4_init_filename init.mp4 \
			-hls_segment_filename "m/v$v/s%03d.m4s" "m/v$v/index.m3u8"
		ffmpeg -v error -f lavfi -i color=blue:size=320x180:rate=25 -f lavfi -i sine -t 4 $enc -b:v $((300 + v * 500))k \
			-f hls -hls_time 2 -hls_playlist_type vod -hls_segment_type fmp4 -hls_fmp4_init_filename init.mp4 \
			-hls_segment_filename "adm/v$v/s%03d.m4s" "adm/v$v/index.m3u8"
	done
	printf '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=400000,CODECS="avc1.42c00d,mp4a.40.2"\nv0/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=900000,CODECS="avc1.42c00d,mp4a.40.2"\nv1/index.m3u8\n' > m/master.m3u8
	printf '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=350000\nv0/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=850000\nv1/index.m3u8\n' > adm/master.m3u8
}

teardown_file() {
	rm -rf "$FIX"
}

per_test() {
	cd "$FIX"
}

# one field of the first JSON line on stdin
jf() {
	$PY -c 'import json, sys; v = json.loads(sys.stdin.readline()); print(json.dumps(v[sys.argv[1]]))' "$1"
}

# a media playlist of 4 s segments c000..c003 with TAGS before the segment of index N
cued() {
	local n=$1 tags=$2 i
	printf '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-PLAYLIST-TYPE:VOD\n'
	for i in 0 1 2 3; do
		[ "$i" != "$n" ] || printf '%s\n' "$tags"
		# segments the tags already carry are not repeated
		case $tags in *"c00$i.ts"*) continue ;; esac
		printf '#EXTINF:4.000,\ncontent/c%03d.ts\n' "$i"
	done
	printf '#EXT-X-ENDLIST\n'
}

@test "an ad inserted at 8 s: hls.js plays content, the ad, content to the end" {
	run ppv-splice stitch --ad ad/index.m3u8 --at 8 -o out/vod.m3u8 content/index.m3u8
	assert_success
	run $PY "$HLSCHECK" --vod --no-dates out/vod.m3u8
	assert_success
	serve "$FIX"
	run play out/vod.m3u8
	assert_success
	assert_equal "$(jf frags <<<"$output")" '["content/c000.ts", "content/c001.ts", "ad/a000.ts", "ad/a001.ts", "content/c002.ts", "content/c003.ts"]'
	assert_equal "$(jf ended <<<"$output")" true
	refute_output --partial ':fatal'
}

@test "the stitched playlist is valid for videojs' m3u8-parser" {
	ppv-splice stitch --ad ad8/index.m3u8 --at 8 -o "$T/vod.m3u8" content/index.m3u8
	run m3u8_parse "$T/vod.m3u8"
	assert_success
	assert_equal "$(jf warnings <<<"$output")" '[]'
	assert_equal "$(jf discontinuities <<<"$output")" 2
	assert_equal "$(jf cueOut <<<"$output")" 1
	assert_equal "$(jf cueIn <<<"$output")" 1
	assert_equal "$(jf duration <<<"$output")" 24
	assert_equal "$(jf endList <<<"$output")" true
	grep -qx '#EXT-X-CUE-OUT:DURATION=8.000' "$T/vod.m3u8"
}

@test "segment URIs are rewritten to resolve from where the output is written" {
	mkdir -p "$T/deep/er"
	ppv-splice stitch --ad "$FIX/ad/index.m3u8" --at 4 -o "$T/deep/er/x.m3u8" content/index.m3u8
	cd "$T/deep/er"
	grep -v '^#' x.m3u8 | while read -r uri; do [ -f "$uri" ] || { echo "missing $uri"; exit 1; }; done
}

@test "the target duration covers the longest ad segment" {
	printf '#EXTM3U\n#EXT-X-TARGETDURATION:9\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:9.0,\n../ad/a000.ts\n#EXT-X-ENDLIST\n' > "$T/long.m3u8"
	ppv-splice stitch --ad "$T/long.m3u8" --at 4 -o "$T/out.m3u8" content/index.m3u8
	grep -qx '#EXT-X-TARGETDURATION:9' "$T/out.m3u8"
}

@test "fMP4 master: each variant gets the closest ad rendition, EXT-X-MAP switched and back, and it plays" {
	run ppv-splice stitch --ad adm/master.m3u8 --at 4 -o out/fm/master.m3u8 m/master.m3u8
	assert_success
	grep -q 'adm/v0/s000.m4s' out/fm/v0/index.m3u8
	grep -q 'adm/v1/s000.m4s' out/fm/v1/index.m3u8
	run grep '^#EXT-X-MAP' out/fm/v1/index.m3u8
	assert_output '#EXT-X-MAP:URI="../../../m/v1/init.mp4"
#EXT-X-MAP:URI="../../../adm/v1/init.mp4"
#EXT-X-MAP:URI="../../../m/v1/init.mp4"'
	run m3u8_parse out/fm/v1/index.m3u8
	assert_equal "$(jf warnings <<<"$output")" '[]'
	run m3u8_parse out/fm/master.m3u8
	assert_equal "$(jf playlists <<<"$output")" 2
	run $PY "$HLSCHECK" --vod --no-dates out/fm/v0/index.m3u8
	assert_success
	run $PY "$HLSCHECK" --master out/fm/master.m3u8
	assert_success
	serve "$FIX"
	run play out/fm/master.m3u8
	assert_success
	assert_equal "$(jf ended <<<"$output")" true
	# 12 s of content and 4 s of ad
	$PY -c 'import sys; t = float(sys.argv[1]); assert 15.5 < t < 16.5, t' "$(jf currentTime <<<"$output")"
	refute_output --partial ':fatal'
}

@test "an ad rendition as close above as another below: the lower, in whichever order the ad master lists them" {
	cp -r m adm "$T/"
	printf '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=1000000,CODECS="avc1.42c00d,mp4a.40.2"\nm/v1/index.m3u8\n' > "$T/c.m3u8"
	for order in "1 0" "0 1"; do
		{
			echo '#EXTM3U'
			for v in $order; do printf '#EXT-X-STREAM-INF:BANDWIDTH=%d\nadm/v%d/index.m3u8\n' $((800000 + v * 400000)) "$v"; done
		} > "$T/ads.m3u8"
		rm -rf "$T/out"
		run ppv-splice stitch --ad "$T/ads.m3u8" --at 4 -o "$T/out/master.m3u8" "$T/c.m3u8"
		assert_success
		assert_equal "$(grep -rho 'adm/v[01]/s000.m4s' "$T/out" | sort -u)" "adm/v0/s000.m4s"
	done
}

@test "a master stitched into its own directory: each viewer's variants named after the output, the content's playlists untouched" {
	cp -r m adm "$T/"
	before=$(cat "$T"/m/v0/index.m3u8 "$T"/m/v1/index.m3u8 | md5sum)
	for v in ana bo; do
		run ppv-splice stitch --ad "$T/adm/master.m3u8" --at 4 -o "$T/m/$v.m3u8" "$T/m/master.m3u8"
		assert_success
	done
	assert_equal "$(cat "$T"/m/v0/index.m3u8 "$T"/m/v1/index.m3u8 | md5sum)" "$before"
	run grep -v '^#' "$T/m/ana.m3u8"
	assert_output 'ana_v0_index.m3u8
ana_v1_index.m3u8'
	assert_equal "$(grep -c 'adm/v1/s000.m4s' "$T/m/bo_v1_index.m3u8")" 1
	assert_equal "$(grep -c '^v0/s000.m4s$' "$T/m/ana_v0_index.m3u8")" 1
	run ffmpeg -v error -i "$T/m/ana.m3u8" -map 0 -f null -
	assert_success
	assert_output ''
}

@test "a stitched master's BANDWIDTH and AVERAGE-BANDWIDTH are those of content and ad together" {
	mkdir -p "$T/hi" "$T/c"
	ffmpeg -v error -f lavfi -i testsrc2=size=640x360:rate=25 -f lavfi -i sine -t 4 -c:v libx264 -preset ultrafast \
		-g 25 -b:v 4000k -c:a aac -f hls -hls_time 2 -hls_playlist_type vod -hls_segment_filename "$T/hi/h%03d.ts" "$T/hi/index.m3u8"
	cp content/*.ts content/index.m3u8 "$T/c/"
	printf '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=600000,AVERAGE-BANDWIDTH=500000,CODECS="avc1.42c00d,mp4a.40.2"\nindex.m3u8\n' > "$T/c/master.m3u8"
	ppv-splice stitch --ad "$T/hi/index.m3u8" --at 8 -o "$T/out/master.m3u8" "$T/c/master.m3u8"
	# what the variant now holds, segment by segment
	want=$($PY - "$T/out/index.m3u8" <<-'PY'
	import os, sys
	d = os.path.dirname(sys.argv[1])
	peak = total = size = 0
	dur = None
	for l in open(sys.argv[1]).read().split("\n"):
	    if l.startswith("#EXTINF:"):
	        dur = round(float(l[8:].split(",")[0]) * 1e6)
	    elif l and not l.startswith("#"):
	        n = os.path.getsize(os.path.join(d, l))
	        peak = max(peak, n * 8 * 1000000 // dur)
	        size += n
	        total += dur
	print(f"BANDWIDTH={peak},AVERAGE-BANDWIDTH={size * 8 * 1000000 // total},")
	PY
	)
	assert_equal "$(grep -o 'BANDWIDTH=[0-9]*,AVERAGE-BANDWIDTH=[0-9]*,' "$T/out/master.m3u8")" "$want"
	assert_num "$(grep -o '^#EXT-X-STREAM-INF:BANDWIDTH=[0-9]*' "$T/out/master.m3u8" | cut -d= -f2)" -gt 2000000
	run $PY "$HLSCHECK" --master "$T/out/master.m3u8"
	assert_success
}

@test "keys and byte ranges: clear ads in encrypted content, the key back after, ranges kept" {
	printf '#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:4\n#EXT-X-KEY:METHOD=AES-128,URI="k.bin"\n#EXTINF:4,\nc000.ts\n#EXTINF:4,\nc001.ts\n#EXT-X-ENDLIST\n' > "$T/enc.m3u8"
	printf '#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n#EXT-X-BYTERANGE:1000@0\nall.ts\n#EXTINF:2,\n#EXT-X-BYTERANGE:1000@1000\nall.ts\n#EXT-X-ENDLIST\n' > "$T/ad.m3u8"
	cd "$T"
	run ppv-splice stitch --ad ad.m3u8 --at 4 enc.m3u8
	assert_success
	got=$(grep -v '^#EXTM3U\|^#EXT-X-VERSION\|TARGETDURATION\|MEDIA-SEQ' <<<"$output" | paste -sd' ')
	assert_equal "$got" "$(printf '%s ' '#EXT-X-KEY:METHOD=AES-128,URI="k.bin"' '#EXTINF:4.000,' c000.ts \
		'#EXT-X-CUE-OUT:DURATION=4.000' '#EXT-X-DISCONTINUITY' '#EXT-X-KEY:METHOD=NONE' '#EXT-X-BYTERANGE:1000@0' \
		'#EXTINF:2.000,' all.ts '#EXT-X-BYTERANGE:1000@1000' '#EXTINF:2.000,' all.ts '#EXT-X-CUE-IN' \
		'#EXT-X-DISCONTINUITY' '#EXT-X-KEY:METHOD=AES-128,URI="k.bin",IV=0x00000000000000000000000000000001' '#EXTINF:4.000,' c001.ts '#EXT-X-ENDLIST' | sed 's/ $//')"
}

@test "encrypted TS and fMP4 content: every segment after the pod decrypts with the IV RFC 8216 gives it, and it plays" {
	ppv-segment -m vod -t 4 --encrypt -o ets content.ts
	ppv-segment -f fmp4 -m vod -t 4 --encrypt -o emp4 content.ts
	run ppv-splice stitch --ad ad/index.m3u8 --at 8 -o ets/stitched.m3u8 ets/index.m3u8
	assert_success
	run $PY "$HLSDECRYPT" ets/stitched.m3u8
	assert_success
	assert_output '6 decrypted'
	run ppv-splice stitch --ad adm/v0/index.m3u8 --at 8 -o emp4/stitched.m3u8 emp4/index.m3u8
	assert_success
	run $PY "$HLSDECRYPT" emp4/stitched.m3u8
	assert_success
	assert_output '9 decrypted'
	serve "$FIX"
	run play emp4/stitched.m3u8 30
	assert_success
	assert_equal "$(jf frags <<<"$output")" '["emp4/index0.m4s", "emp4/index1.m4s", "v0/s000.m4s", "v0/s001.m4s", "emp4/index2.m4s", "emp4/index3.m4s"]'
	refute_output --partial ':fatal'
	assert_equal "$(jf ended <<<"$output")" true
	# 16 s of content and 4 s of ad played
	$PY -c 'import sys; t = float(sys.argv[1]); assert 19.5 < t < 20.5, t' "$(jf currentTime <<<"$output")"
}

@test "an ad in the other container is refused with the fix named: TS content, fMP4 ad and the reverse" {
	run ppv-splice stitch --ad adm/v0/index.m3u8 --at 8 content/index.m3u8
	assert_failure 1
	assert_output 'ppv-splice: content/index.m3u8: the ad segment adm/v0/s000.m4s is fMP4 and the content TS: a playlist cannot switch containers; give the ad in TS too (ppv-segment -f ts)'
	run ppv-splice stitch --ad ad/index.m3u8 --at 4 m/v0/index.m3u8
	assert_failure 1
	assert_output 'ppv-splice: m/v0/index.m3u8: the ad segment ad/a000.ts is TS and the content fMP4: a playlist cannot switch containers; give the ad in fMP4 too (ppv-segment -f fmp4)'
}

@test "a master playlist needs -o for its variants" {
	run ppv-splice stitch --ad ad/index.m3u8 --at 4 m/master.m3u8
	assert_failure 1
	assert_output 'ppv-splice: m/master.m3u8: a master playlist needs -o: its variants are written beside it'
}

@test "--replace swaps the content inside every cue style for the ad" {
	b64=$(ppv-splice encode --insert --pts 4 --duration 8 --auto-return)
	hex=$(ppv-splice encode --insert --pts 4 --duration 8 --auto-return --hex)
	in=$(ppv-splice encode --insert --in --pts 12 --hex)
	i=0
	while IFS= read -r tags; do
		i=$((i + 1))
		cued 1 "$(printf "$tags")" > "$T/c$i.m3u8"
		run ppv-splice stitch --replace --ad ad8/index.m3u8 -o "$T/o$i.m3u8" "$T/c$i.m3u8"
		assert_success
		got=$(grep -v '^#' "$T/o$i.m3u8" | sed 's,.*/,,' | paste -sd' ')
		[ "$got" = "c000.ts b000.ts b001.ts c003.ts" ] || { echo "style $i: $tags: $got"; false; }
	done <<EOS
#EXT-X-CUE-OUT:8
#EXT-X-CUE-OUT:DURATION=8.000
#EXT-X-CUE-OUT:DURATION=8\n#EXTINF:4.000,\ncontent/c001.ts\n#EXT-X-CUE-OUT-CONT:ElapsedTime=4.000,Duration=8.000
#EXT-X-CUE-OUT:8\n#EXTINF:4.000,\ncontent/c001.ts\n#EXT-X-CUE-OUT-CONT:4.0/8\n#EXTINF:4.000,\ncontent/c002.ts\n#EXT-X-CUE-IN
#EXT-OATCLS-SCTE35:$b64
#EXT-X-SCTE35:CUE="$b64",CUE-OUT=YES,DURATION=8
#EXT-X-SCTE35:CUE="$b64"
#EXT-X-CUE-OUT\n#EXTINF:4.000,\ncontent/c001.ts\n#EXTINF:4.000,\ncontent/c002.ts\n#EXT-X-CUE-IN
#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:04.000Z\n#EXT-X-DATERANGE:ID="b1",START-DATE="2026-01-01T00:00:04.000Z",PLANNED-DURATION=8,SCTE35-OUT=$hex
#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:04.000Z\n#EXT-X-DATERANGE:ID="b1",START-DATE="2026-01-01T00:00:04.000Z",SCTE35-CMD=$hex
EOS
}

@test "DATERANGE input gets DATERANGE cues out, with dates that keep counting" {
	hex=$(ppv-splice encode --insert --pts 4 --duration 4 --auto-return --hex)
	cued 1 "$(printf '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:04.000Z\n#EXT-X-DATERANGE:ID="b1",START-DATE="2026-01-01T00:00:04.000Z",DURATION=4,SCTE35-OUT=%s' "$hex")" > "$T/in.m3u8"
	run ppv-splice stitch --replace --ad ad/index.m3u8 -o "$T/out.m3u8" "$T/in.m3u8"
	assert_success
	grep -q '^#EXT-X-DATERANGE:ID="ppv-[0-9]*",START-DATE="2026-01-01T00:00:04.000Z",PLANNED-DURATION=4.000,SCTE35-OUT=0x' "$T/out.m3u8"
	out=$(grep -o 'SCTE35-OUT=0x[0-9A-F]*' "$T/out.m3u8" | cut -d= -f2)
	run ppv-splice decode "$out"
	assert_success
	assert_output --partial '"out_of_network":true'
	grep -q '^#EXT-X-DATERANGE:.*SCTE35-IN=0x' "$T/out.m3u8"
	# every date line is the one before plus the segments between
	$PY - "$T/out.m3u8" <<-'PY'
	import sys
	from datetime import datetime
	want = None
	for l in open(sys.argv[1]):
	    if l.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
	        t = datetime.fromisoformat(l.split(":", 1)[1].strip().replace("Z", "+00:00")).timestamp()
	        assert want is None or abs(t - want) < 0.001, (t, want)
	        want = t
	    elif l.startswith("#EXTINF:") and want is not None:
	        want += float(l[8:].split(",")[0])
	PY
}

@test "--interstitials adds HLS Interstitials instead of stitching, and hls.js starts the ad" {
	run ppv-splice stitch --interstitials --ad ad/index.m3u8 --at 8 -o out/int.m3u8 content/index.m3u8
	assert_success
	grep -q '^#EXT-X-DATERANGE:ID="ppv-1-1",CLASS="com.apple.hls.interstitial",START-DATE="2000-01-01T00:00:08.000Z",DURATION=4.000,X-ASSET-URI="../ad/index.m3u8",X-RESUME-OFFSET=0.000' out/int.m3u8
	assert_equal "$(grep -vc '^#' out/int.m3u8)" 4
	serve "$FIX"
	run play out/int.m3u8 30
	assert_success
	assert_equal "$(jf interstitials <<<"$output")" '["ad/index.m3u8"]'
}

@test "--interstitials: an ad given by absolute path is a URI from the output's directory, never a file-system path" {
	ppv-splice stitch --interstitials --ad "$FIX/ad/index.m3u8" --at 8 -o out/abs.m3u8 content/index.m3u8
	assert_equal "$(grep -o 'X-ASSET-URI="[^"]*"' out/abs.m3u8)" 'X-ASSET-URI="../ad/index.m3u8"'
	run $PY "$HLSCHECK" --vod --no-dates out/abs.m3u8
	assert_success
	mkdir -p out/deep
	(cd content && ppv-splice stitch --interstitials --ad ../ad/index.m3u8 --at 8 -o ../out/deep/rel.m3u8 index.m3u8)
	assert_equal "$(grep -o 'X-ASSET-URI="[^"]*"' out/deep/rel.m3u8)" 'X-ASSET-URI="../../ad/index.m3u8"'
}

@test "a catalog fills each break by CPM, targets by meta, and logs impressions" {
	cat > "$T/cat.csv" <<-EOF
	ad_id,playlist,duration,advertiser,cpm,targeting,start,end,max_per_break
	na-only,$FIX/ad/index.m3u8,4,Acme,20.00,^country=(US|CA)$,,,
	big,$FIX/ad8/index.m3u8,8,Globex,30.00,,2099-01-01T00:00:00Z,,
	b,$FIX/ad/index.m3u8,4,Initech,15.00,,,,
	d,$FIX/ad/index.m3u8,4,Umbrella,15.00,,,,
	EOF
	run ppv-splice stitch --ads "$T/cat.csv" --at 8/8 --meta creator=c42 --meta country=US \
		--viewer v1 --now 2026-11-25T00:00:00Z --impressions "$T/imp.csv" -o "$T/us.m3u8" content/index.m3u8
	assert_success
	run cut -d, -f2-9 "$T/imp.csv"
	assert_line --index 0 'break_id,ad_id,advertiser,creator_id,viewer_id,country,cpm,duration'
	assert_line --index 1 '1,na-only,Acme,c42,v1,US,20.00,4.000'
	assert_line --index 2 --regexp '^1,(b,Initech|d,Umbrella),c42,v1,US,15.00,4.000$'
	assert_equal "${#lines[@]}" 3
	# the same viewer gets the same pod; ties between equal CPMs go different ways for others
	first=$(sed -n 3p "$T/imp.csv" | cut -d, -f3)
	for v in $(seq 2 12); do
		ppv-splice stitch --ads "$T/cat.csv" --at 8/8 --meta country=FR --viewer "v$v" \
			--now 2026-11-25T00:00:00Z --impressions "$T/fr.csv" -o "$T/fr.m3u8" content/index.m3u8
	done
	run cut -d, -f3 "$T/fr.csv"
	assert_line b
	assert_line d
	refute_line na-only
	ppv-splice stitch --ads "$T/cat.csv" --at 8/8 --meta country=US --viewer v1 \
		--now 2026-11-25T00:00:00Z --impressions "$T/again.csv" -o "$T/again.m3u8" content/index.m3u8
	assert_equal "$(sed -n 3p "$T/again.csv" | cut -d, -f3)" "$first"
}

@test "impressions are logged only for playlists that were written" {
	printf 'ad_id,playlist,duration,advertiser,cpm\ngone,%s/nowhere.m3u8,4,Acme,9.00\n' "$T" > "$T/cat.csv"
	run ppv-splice stitch --ads "$T/cat.csv" --at 8/8 --impressions "$T/imp.csv" -o "$T/out.m3u8" content/index.m3u8
	assert_failure 1
	assert_output --partial "$T/nowhere.m3u8: No such file or directory"
	assert_equal "$(wc -l < "$T/imp.csv")" 1
	[ ! -e "$T/out.m3u8" ]
}

@test "a bad targeting pattern is reported with its catalog line" {
	printf 'ad_id,playlist,duration,advertiser,cpm,targeting\nx,ad/index.m3u8,4,A,1.00,\ny,ad/index.m3u8,4,B,1.00,(unclosed\n' > "$T/cat.csv"
	run ppv-splice stitch --ads "$T/cat.csv" --at 4 content/index.m3u8
	assert_failure 2
	assert_output "ppv-splice: $T/cat.csv:3: targeting '(unclosed': missing closing parenthesis at offset 9"
}

@test "slate fills what the ads leave of a break" {
	cued 1 '#EXT-X-CUE-OUT:12' > "$T/in.m3u8"
	run ppv-splice stitch --replace --ad ad/index.m3u8 --slate slate/index.m3u8 -o "$T/out.m3u8" "$T/in.m3u8"
	assert_success
	got=$(grep -v '^#' "$T/out.m3u8" | sed 's,.*/,,' | paste -sd' ')
	# the cue covers c001-c003: 4 s of ad, then 8 s of slate
	assert_equal "$got" "c000.ts a000.ts a001.ts s000.ts s001.ts s000.ts s001.ts s000.ts s001.ts s000.ts s001.ts"
}

@test "batch: a broken playlist is reported, the others go through, -o DIR mirrors the tree" {
	mkdir -p "$T/in/a" "$T/in/b"
	cp content/index.m3u8 "$T/in/a/x.m3u8"
	printf '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:four,\nc.ts\n' > "$T/in/b/bad.m3u8"
	sed 's,^c0,../../../../../'"${FIX#/}"'/content/c0,' content/index.m3u8 > "$T/in/b/y.m3u8"
	cd "$T"
	run ppv-splice stitch --ad "$FIX/ad/index.m3u8" --at 4 -o out in/a/x.m3u8 in/b/bad.m3u8 in/b/y.m3u8
	assert_failure 1
	assert_output "ppv-splice: in/b/bad.m3u8:3: bad #EXTINF duration 'four'"
	[ -f out/in/a/x.m3u8 ]
	[ -f out/in/b/y.m3u8 ]
	[ ! -e out/in/b/bad.m3u8 ]
	# the same from a list on stdin
	printf 'in/a/x.m3u8\nin/b/y.m3u8\n' | ppv-splice stitch --ad "$FIX/ad/index.m3u8" --at 4 -o out2
	cmp out/in/a/x.m3u8 out2/in/a/x.m3u8
}

@test "-j splits a batch among workers: the same files, the same failures, the exit status of all" {
	mkdir -p "$T/in"
	for i in 1 2 3 4 5; do sed 's,^c0,'"$FIX"'/content/c0,' content/index.m3u8 > "$T/in/v$i.m3u8"; done
	printf '#EXTM3U\n#EXT-X-TARGETDURATION:4\nc.ts\n' > "$T/in/v4.m3u8"
	cd "$T"
	run ppv-splice stitch -j 1 --ad "$FIX/ad/index.m3u8" --at 4 -o one in/v1.m3u8 in/v2.m3u8 in/v3.m3u8 in/v4.m3u8 in/v5.m3u8
	assert_failure 1
	run ppv-splice stitch -j 3 --ad "$FIX/ad/index.m3u8" --at 4 -o three in/v1.m3u8 in/v2.m3u8 in/v3.m3u8 in/v4.m3u8 in/v5.m3u8
	assert_failure 1
	assert_output 'ppv-splice: in/v4.m3u8:3: a URI without #EXTINF'
	diff -r one three
	assert_equal "$(find three -name '*.m3u8' | wc -l)" 4
}

@test "what is not a playlist is rejected with a reason" {
	echo hello > "$T/x.m3u8"
	run ppv-splice stitch --ad ad/index.m3u8 --at 4 "$T/x.m3u8"
	assert_failure 1
	assert_output "ppv-splice: $T/x.m3u8:1: not an HLS playlist (no #EXTM3U)"
	run ppv-splice stitch --at 4 content/index.m3u8
	assert_failure 2
}

# A live window of two-second segments content/cMSN.ts from MSN $1 to $2
# (six by default) under target $3 (4), with a 12 s break at 10 (CUE-OUT,
# CONT with elapsed time, CUE-IN at 16).
window() {
	local s=$1 m
	printf '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:%d\n#EXT-X-MEDIA-SEQUENCE:%d\n' "${3:-4}" "$s"
	for m in $(seq "$s" "${2:-$((s + 5))}"); do
		if [ "$m" -eq 10 ]; then echo '#EXT-X-CUE-OUT:12.000'
		elif [ "$m" -gt 10 ] && [ "$m" -lt 16 ]; then echo "#EXT-X-CUE-OUT-CONT:ElapsedTime=$(((m - 10) * 2)).000,Duration=12.000"
		elif [ "$m" -eq 16 ]; then echo '#EXT-X-CUE-IN'
		fi
		printf '#EXTINF:2.000,\ncontent/c%03d.ts\n' "$m"
	done
}

@test "live: media and discontinuity sequences stay consistent across refreshes" {
	for s in $(seq 0 22); do
		window "$s" > "$T/live.m3u8"
		ppv-splice stitch --live --state "$T/state" --ad ad8/index.m3u8 --slate slate/index.m3u8 \
			-o "$T/out/live.m3u8" "$T/live.m3u8"
		cp "$T/out/live.m3u8" "$T/r$s.m3u8"
	done
	grep -q 'ad8/b000.ts' "$T/r10.m3u8"
	grep -q 'slate/s000.ts' "$T/r12.m3u8"
	run ! grep -q 'CUE' "$T/r22.m3u8"
	# one (URI, discontinuity count) for each media sequence number in every refresh
	$PY - "$T" <<-'PY'
	import sys
	seen = {}
	for s in range(23):
	    lines = open(f"{sys.argv[1]}/r{s}.m3u8").read().split("\n")
	    msn = next(int(l.split(":")[1]) for l in lines if l.startswith("#EXT-X-MEDIA-SEQUENCE"))
	    dsn = next((int(l.split(":")[1]) for l in lines if l.startswith("#EXT-X-DISCONTINUITY-SEQUENCE")), 0)
	    for l in lines:
	        if l == "#EXT-X-DISCONTINUITY":
	            dsn += 1
	        elif l and not l.startswith("#"):
	            assert seen.setdefault(msn, (l, dsn)) == (l, dsn), (s, msn, seen[msn], (l, dsn))
	            msn += 1
	assert len(seen) > 25, len(seen)
	PY
	run $PY "$HLSCHECK" --live --no-dates $(ls -v "$T"/r*.m3u8)
	assert_success
	run m3u8_parse "$T/r14.m3u8"
	assert_equal "$(jf warnings <<<"$output")" '[]'
}

@test "live: encrypted content renumbered around the pod decrypts in every refresh; the break stays replaced after its cue slid out; the target never changes" {
	ffmpeg -v error -f lavfi -i testsrc2=size=160x90:rate=25 -t 40 -c:v libx264 -preset ultrafast -g 25 "$T/long.ts"
	ppv-segment -m vod -t 2 --encrypt -o "$T/enc" "$T/long.ts"
	for s in $(seq 6 14); do
		{
			printf '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:%d\n' "$s"
			echo '#EXT-X-KEY:METHOD=AES-128,URI="index.0.key"'
			for m in $(seq "$s" $((s + 5))); do
				if [ "$m" -eq 10 ]; then echo '#EXT-X-CUE-OUT:8.000'
				elif [ "$m" -eq 14 ]; then echo '#EXT-X-CUE-IN'
				fi
				printf '#EXTINF:2.000,\nindex%d.ts\n' "$m"
			done
		} > "$T/enc/w.m3u8"
		ppv-splice stitch --live --state "$T/state" --ad ad8/index.m3u8 -o "$T/enc/out.m3u8" "$T/enc/w.m3u8"
		cp "$T/enc/out.m3u8" "$T/enc/snap.$s"
		run $PY "$HLSDECRYPT" "$T/enc/out.m3u8"
		assert_success
		# the break's content never comes back, with its cue in the window or not
		assert_equal "$(grep -c '^index1[0-3]\.ts$' "$T/enc/out.m3u8")" 0
		# 2 s content, 4 s ads: the target is 4 from the first refresh on, never changing
		assert_equal "$(grep '^#EXT-X-TARGETDURATION' "$T/enc/out.m3u8")" '#EXT-X-TARGETDURATION:4'
	done
	run $PY "$HLSCHECK" --live --no-dates $(ls -v "$T"/enc/snap.*)
	assert_success
	# the last refresh: six content segments, each numbered two below its own
	assert_equal "$(grep -c '^#EXT-X-KEY:METHOD=AES-128,URI="index.0.key",IV=0x' "$T/enc/out.m3u8")" 6
}

@test "live: a window too short for three targets once the ads come keeps what slid out until it holds three" {
	# MSN first to last, one 2 s segment each; the ad's 4 s segments make
	# the target 4, and three of it 12 s, twice the input's window
	n=0
	short() {
		window "$1" "$2" 2 > "$T/short.m3u8"
		run ppv-splice stitch --live --state "$T/state" --ad ad8/index.m3u8 -o "$T/out.m3u8" "$T/short.m3u8"
		assert_success
		assert_output ''
		n=$((n + 1))
		cp "$T/out.m3u8" "$T/snap$n.m3u8"
	}
	short 0 0
	short 0 2
	short 1 3
	short 2 4
	short 3 5
	short 4 6
	short 7 9
	# the output slides only once it holds three targets
	assert_equal "$(grep -h '^#EXT-X-MEDIA-SEQUENCE' "$T"/snap*.m3u8 | cut -d: -f2 | paste -sd' ')" '0 0 0 0 0 1 4'
	assert_equal "$(grep -v '^#' "$T/out.m3u8" | paste -sd' ')" 'content/c004.ts content/c005.ts content/c006.ts content/c007.ts content/c008.ts content/c009.ts'
	# on through a break: the pod's segments and their discontinuities stay
	# too, numbered as they were
	for f in $(seq 8 20); do
		short $f $((f + 2))
	done
	run $PY "$HLSCHECK" --live --no-dates $(for k in $(seq $n); do echo "$T/snap$k.m3u8"; done)
	assert_success
	# the window at MSN 14 to 16: content before the break and the pod kept,
	# back to content after a discontinuity (the pod never shown in this
	# window: the break's content in it lies past the pod's 8 s)
	assert_equal "$(grep -v '^#EXTINF' "$T/snap14.m3u8" | sed -n '/^#EXT-X-MEDIA-SEQUENCE/,$p' | sed 's|^.*/ad8/|ad8/|' | paste -sd' ')" \
		'#EXT-X-MEDIA-SEQUENCE:9 content/c009.ts #EXT-X-DISCONTINUITY ad8/b000.ts ad8/b001.ts #EXT-X-DISCONTINUITY content/c016.ts'
}

@test "live: tabs and backslashes in tags come back from the state file as they were" {
	# a note with a tab and a backslash over the ad's first segment and a
	# title with them on every content segment
	note=$(printf '#EXT-X-PPV-NOTE:X="a\tb\\\\c"')
	title=$(printf '#EXTINF:2.000,part\tone\\\\two')
	mkdir -p "$T/adn"
	cp ad8/*.ts "$T/adn/"
	n=$note awk '/^#EXTINF/ && !done { print ENVIRON["n"]; done = 1 } { print }' ad8/index.m3u8 > "$T/adn/index.m3u8"
	# the window of 6 s under the ad's target of 4 keeps what slid out
	for f in 6 7 8 9 10; do
		window $f $((f + 2)) 2 | while IFS= read -r l; do
			[ "$l" != '#EXTINF:2.000,' ] || l=$title
			printf '%s\n' "$l"
		done > "$T/w.m3u8"
		run ppv-splice stitch --live --state "$T/state" --ad "$T/adn/index.m3u8" -o "$T/out.m3u8" "$T/w.m3u8"
		assert_success
		cp "$T/out.m3u8" "$T/snap$f.m3u8"
	done
	# the pod from the state file, its note as in the catalog
	assert_equal "$(grep '^#EXT-X-PPV-NOTE' "$T/snap10.m3u8")" "$note"
	# content 8 and 9, slid out and kept in the state file, titled as they were
	assert_equal "$(grep -v '^#EXT-X-[VT]' "$T/snap10.m3u8" | sed -n 2,5p | tr '\n' '|')" \
		"#EXT-X-MEDIA-SEQUENCE:8|$title|content/c008.ts|$title|"
}

@test "live: an ad whose initialization section is encrypted keeps its map under the ad's key on every refresh" {
	# fMP4 content cued at 8 s for 4 s, as an event; the ad in fMP4 with its
	# init encrypted too, under a key with an IV before the map, as other
	# packagers write it (RFC 8216 4.3.2.5)
	ppv-splice inject --at 8/4 content.ts > "$T/cued.ts"
	ppv-segment -f fmp4 -m event -t 2 --cues cue -o "$T/ev" "$T/cued.ts"
	cat ad/a000.ts ad/a001.ts > "$T/ad.ts"
	ppv-segment -f fmp4 --encrypt -m vod -t 2 -o "$T/ea" "$T/ad.ts"
	$PY - "$T/ea" <<-'PY'
	import sys
	from cryptography.hazmat.primitives import padding
	from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
	d = sys.argv[1]
	key, iv = open(d + "/index.0.key", "rb").read(), bytes(15) + b"\xff"
	p = padding.PKCS7(128).padder()
	data = p.update(open(d + "/index-init.mp4", "rb").read()) + p.finalize()
	e = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
	open(d + "/init-enc.mp4", "wb").write(e.update(data) + e.finalize())
	PY
	sed -i 's|^#EXT-X-MAP:URI="index-init.mp4"$|#EXT-X-KEY:METHOD=AES-128,URI="index.0.key",IV=0x000000000000000000000000000000ff\n#EXT-X-MAP:URI="init-enc.mp4"|' "$T/ea/index.m3u8"
	run $PY "$HLSDECRYPT" "$T/ea/index.m3u8"
	assert_success
	# refreshes: the event's first 5 segments (the pod begins), 6, then all
	for k in 5 6 99; do
		awk -v k=$k '{ print } !/^#/ && NF && ++n == k { exit }' "$T/ev/index.m3u8" > "$T/ev/w.m3u8"
		run ppv-splice stitch --live --state "$T/state" --ad "$T/ea/index.m3u8" -o "$T/live/live.m3u8" "$T/ev/w.m3u8"
		assert_success
		assert_output ''
		run $PY "$HLSDECRYPT" "$T/live/live.m3u8"
		assert_success
	done
	# the pod's segments came back from the state file after the first refresh
	assert_equal "$(grep -c '^seg ' "$T/state")" 2
	# an event never slides: nothing of it is kept written alone
	assert_equal "$(grep -c '^kept ' "$T/state")" 0
	assert_equal "$(grep -B1 '^#EXT-X-MAP:URI="../ea/init-enc.mp4"' "$T/live/live.m3u8" | head -1)" \
		'#EXT-X-KEY:METHOD=AES-128,URI="../ea/index.0.key",IV=0x000000000000000000000000000000ff'
}

@test "live: a window older than the last one stitched is skipped, the viewer's playlist stays" {
	live() { ppv-splice stitch --live --state "$T/state" --ad ad8/index.m3u8 -o "$T/out/live.m3u8" "$1"; }
	window 4 > "$T/w4.m3u8"
	window 3 > "$T/w3.m3u8"
	live "$T/w4.m3u8"
	cp "$T/out/live.m3u8" "$T/after4"
	run live "$T/w3.m3u8"
	assert_success
	assert_output "ppv-splice: $T/w3.m3u8: a window older than the last stitched (segments 3 to 8, then 4 to 9): $T/out/live.m3u8 stays as it was"
	cmp "$T/after4" "$T/out/live.m3u8"
	window 5 > "$T/w5.m3u8"
	live "$T/w5.m3u8"
	assert_equal "$(grep '^#EXT-X-MEDIA-SEQUENCE' "$T/out/live.m3u8")" '#EXT-X-MEDIA-SEQUENCE:5'
}

@test "live: a damaged state file is set aside and said; refreshes go on" {
	window 4 > "$T/w.m3u8"
	printf 'ppv-splice-state 1\nplaylist %s\nseq 12x\n' "$T/out/live.m3u8" > "$T/state"
	run ppv-splice stitch --live --state "$T/state" --ad ad8/index.m3u8 -o "$T/out/live.m3u8" "$T/w.m3u8"
	assert_success
	assert_output "ppv-splice: $T/state:3: bad seq record; set aside as $T/state.damaged, starting afresh"
	assert_equal "$(cat "$T/state.damaged")" "ppv-splice-state 1
playlist $T/out/live.m3u8
seq 12x"
	head -1 "$T/state" | grep -qx 'ppv-splice-state 1'
	window 5 > "$T/w.m3u8"
	run ppv-splice stitch --live --state "$T/state" --ad ad8/index.m3u8 -o "$T/out/live.m3u8" "$T/w.m3u8"
	assert_success
	assert_output ''
}

@test "live: sequence numbers near 2^63 are refused in a playlist, never overflowed" {
	window 9223372036854775800 > "$T/w.m3u8"
	run ppv-splice stitch --live --state "$T/state" --ad ad8/index.m3u8 -o "$T/out/live.m3u8" "$T/w.m3u8"
	assert_failure
	assert_output "ppv-splice: $T/w.m3u8:4: bad EXT-X-MEDIA-SEQUENCE"
	[ ! -e "$T/out/live.m3u8" ]
}

@test "stdout into a file: URIs resolve from that file's directory, as with -o; on a pipe, from here" {
	mkdir -p "$T/c"
	cp content/index.m3u8 content/c00*.ts "$T/c/"
	cp -r ad "$T/"
	cd "$T"
	ppv-splice stitch --ad ad/index.m3u8 --at 4 c/index.m3u8 > c/stitched.m3u8
	assert_equal "$(grep -v '^#' c/stitched.m3u8 | sort -u | paste -sd' ')" "../ad/a000.ts ../ad/a001.ts c000.ts c001.ts c002.ts c003.ts"
	for u in $(grep -v '^#' c/stitched.m3u8); do
		[ -f "c/$u" ] || fail "c/stitched.m3u8 names $u, which is not there"
	done
	assert_equal "$(ppv-splice stitch --ad ad/index.m3u8 --at 4 c/index.m3u8 | grep -v '^#' | sort -u | paste -sd' ')" \
		"ad/a000.ts ad/a001.ts c/c000.ts c/c001.ts c/c002.ts c/c003.ts"
}
