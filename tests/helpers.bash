# helpers.bash: shared setup for the Bats suite: the binaries under test, a
# scratch directory, and key files with the permissions ppv insists on.
bats_load_library bats-support 2>/dev/null || load /usr/lib/bats/bats-support/load.bash
bats_load_library bats-assert 2>/dev/null || load /usr/lib/bats/bats-assert/load.bash
# `run !` and `run -N` without warnings
bats_require_minimum_version 1.5.0

: "${PPV_BIN:=$BATS_TEST_DIRNAME/../bin}"
export PPV_BIN
# ppv-segment and ppv-splice come through tests/lib/made, which notes every
# playlist they write (-o) for teardown to check by RFC 8216: setup_file's in
# one list, each test's in its own (tests of a file may run side by side)
MADE_IN_SETUP_FILE="$BATS_FILE_TMPDIR/made"
export PPV_MADE="$MADE_IN_SETUP_FILE"
PATH="$BATS_TEST_DIRNAME/lib/made:$PPV_BIN:$PATH"
DATA="$BATS_TEST_DIRNAME/data"
# Debian's python3, where python3-jwt lives, even when another python3 is first on PATH
PY=/usr/bin/python3

# Each test gets a scratch directory $T with the key files; a suite adds its
# own steps by defining per_test (run last) and per_test_end (run first).
setup() {
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ppv-test.XXXXXX")
	umask 077
	# the Akamai reference libraries' test key
	echo 7a5c2be9f42a1f32cd889d1cf775f05d0cd162bd2871d00fe705ab28c9bba5a5 > "$T/akamai.key"
	printf 'k1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n' > "$T/jwt.key"
	echo 's3cr3t' > "$T/nginx.key"
	umask 022
	export PPV_MADE="$BATS_TEST_TMPDIR/made"
	if declare -F per_test > /dev/null; then per_test; fi
}

teardown() {
	if declare -F per_test_end > /dev/null; then per_test_end; fi
	stop_server
	local made=0
	# setup_file's list goes to whichever test takes it first
	if mv "$MADE_IN_SETUP_FILE" "$PPV_MADE.setup" 2>/dev/null; then
		check_made "$PPV_MADE.setup" || made=$?
	fi
	check_made "$PPV_MADE" || made=$?
	rm -rf "$T"
	return $made
}

# Runs hlscheck.py on every playlist ppv-segment or ppv-splice noted in LIST
# and left in place, except those the test called unchecked: a master with its variants measured, a media
# playlist by its EXT-X-PLAYLIST-TYPE. Dates are not required: a stitch of a
# hand-written playlist has none to keep.
check_made() {
	[ -s "$1" ] || return 0
	local stamp out f kind r bad=
	local -A seen=()
	while IFS=$'\t' read -r stamp out; do
		[ -e "$out" ] || continue
		while IFS= read -r f; do
			f=$(realpath "$f")
			[ -z "${seen[$f]:-}" ] || continue
			seen[$f]=1
			! grep -qxF "$f" "$PPV_MADE.unchecked" 2>/dev/null || continue
			if grep -q '^#EXT-X-STREAM-INF:' "$f"; then
				kind=--master
			else
				case $(sed -n 's/^#EXT-X-PLAYLIST-TYPE://p' "$f") in
				VOD) kind=--vod ;; EVENT) kind=--event ;; *) kind=--live ;;
				esac
			fi
			r=$($PY "$BATS_TEST_DIRNAME/lib/hlscheck.py" --no-dates $kind "$f" 2>&1) || bad+="$r"$'\n'
		done < <(find "$out" -name '*.m3u8' -newer "$stamp")
	done < "$1"
	rm -f "$1"
	[ -z "$bad" ] || fail "hlscheck on the playlists this test made: $bad"
}

# The duration ffprobe reads of a file or playlist, in seconds.
# the codecs of a media file's streams, sorted, each followed by a space
codecs() {
	ffprobe -v error -show_entries stream=codec_name -of csv=p=0 "$1" | grep . | sort -u | tr '\n' ' '
}

duration() {
	ffprobe -v error -show_entries format=duration -of csv=p=0 "$@"
}

# nginx on 127.0.0.1:PORT, its configuration, pid, log and temporary files in
# DIR, BODY inside http {} (server blocks, includes), MAIN before it (by
# default one process as the user running the test); back once it answers.
nginx_start() {
	local dir=$1 port=$2 body=$3 main=${4:-master_process off;}
	cat > "$dir/nginx.conf" <<-CONF
	daemon off; $main pid $dir/nginx.pid; error_log $dir/error.log;
	events {}
	http {
	  include /etc/nginx/mime.types;
	  access_log off;
	  client_body_temp_path $dir; proxy_temp_path $dir; fastcgi_temp_path $dir;
	  uwsgi_temp_path $dir; scgi_temp_path $dir;
	  $body
	}
	CONF
	nginx -e "$dir/error.log" -c "$dir/nginx.conf" 3>&- &
	for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0; sleep 0.1; done
	fail "nginx did not answer on $port: $(cat "$dir/error.log")"
}

# A reload as examples/ppv-nginx-reload does it: back once the workers from
# before it have exited (they may take a connection with the old map, seen:
# 403, then 200, then 403), failing the test with nginx's error log if not.
nginx_reload() {
	local dir=$1
	"$BATS_TEST_DIRNAME/../examples/ppv-nginx-reload" --pid "$dir/nginx.pid" -c "$dir/nginx.conf" \
		-e "$dir/error.log" || fail "the reload did not take effect: $(tail -3 "$dir/error.log")"
}

nginx_stop() {
	[ -f "$1/nginx.pid" ] && kill "$(cat "$1/nginx.pid")" 2>/dev/null || true
}

# A TCP port nobody listens on, for servers a test starts on 127.0.0.1.
free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

JS="$BATS_TEST_DIRNAME/js"

# Serves DIR on 127.0.0.1 (tests/lib/serve.py: never 304, as a live origin)
# with the players and their pages beside it; sets PORT and SERVER_PID.
# stop_server ends it.
serve() {
	PORT=$(free_port)
	cp "$JS/node_modules/hls.js/dist/hls.min.js" "$JS/node_modules/mux.js/dist/mux.min.js" \
		"$JS/node_modules/shaka-player/dist/shaka-player.compiled.js" "$JS/node_modules/video.js/dist/video.min.js" \
		"$JS/player.html" "$JS/shaka.html" "$JS/videojs.html" "$1/"
	$PY "$BATS_TEST_DIRNAME/lib/serve.py" "$PORT" "$1" >/dev/null 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$PORT/player.html" >/dev/null && return 0
		sleep 0.1
	done
	return 1
}

stop_server() {
	[ -z "${SERVER_PID:-}" ] || kill "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
}

# hls.js in headless Chromium plays a served playlist; prints what it did as JSON.
play() {
	play_in hlsjs "$@"
}

# The same with PLAYER: hlsjs, shaka (Shaka Player, mux.js for TS) or videojs (its VHS engine);
# a fourth argument throttles the link to that many kb/s.
play_in() {
	local page
	case $1 in hlsjs) page=player ;; shaka | videojs) page=$1 ;; *) fail "play_in: no player '$1'" ;; esac
	node "$JS/play.js" "http://127.0.0.1:$PORT/$page.html?src=$2" "${3:-60}" ${4:+"$4"}
}

# videojs' m3u8-parser reads playlists; one JSON summary a line.
m3u8_parse() {
	node "$JS/parse.js" "$@"
}

# Leaves PLAYLIST out of teardown's RFC 8216 check: for a breach a test shows
# on purpose, with the reason given as the second argument.
unchecked() {
	[ -n "${2:-}" ] || fail "unchecked $1: say why"
	realpath "$1" >> "$PPV_MADE.unchecked"
}

# A numeric comparison that shows both sides when it fails: assert_num "$(cmd)" -ge 2
assert_num() {
	[ "$1" "$2" "$3" ] || fail "expected $1 $2 $3"
}

# FILE over SECONDS, a tenth of it at a time, as an encoder would send it
# (ffmpeg -re would drop the SCTE-35 stream, and make a ladder one program)
paced() {
	$PY - "$1" "$2" <<-'PY'
	import sys, time
	data, secs = open(sys.argv[1], "rb").read(), float(sys.argv[2])
	n = len(data) // 188
	step = max(1, int(n / (secs * 10)))
	try:
	    for i in range(0, n, step):
	        sys.stdout.buffer.write(data[i * 188:(i + step) * 188])
	        sys.stdout.buffer.flush()
	        time.sleep(0.1)
	except BrokenPipeError:
	    pass  # the reader was killed, as a test may
	PY
}

# FILE is no clear MPEG-TS: no sync byte where every packet of a clear one has
# it (ffprobe alone may take random bytes for some format now and then)
assert_encrypted() {
	assert_equal "$($PY -c 'import sys; d = open(sys.argv[1], "rb").read()[::188]; print("encrypted" if d and sum(b == 0x47 for b in d) * 2 < len(d) else "clear")' "$1")" encrypted
}
