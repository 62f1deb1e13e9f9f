#!/usr/bin/env bats
# ppv-mint as users drive it: minting, checking, batches, keys and errors.

load helpers

@test "--help prints the synopsis to stdout and exits 0" {
	run ppv-mint --help
	assert_success
	assert_line --partial "usage: ppv-mint -f FORMAT -k KEYFILE"
	assert_line --partial "Exit status: 0 success, 1 a token failed the check"
}

@test "--version names the program and exits 0" {
	run ppv-mint --version
	assert_success
	assert_output --regexp '^ppv-mint \(ppv\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "an unknown option is a usage error with exit 2" {
	run ppv-mint --bogus
	assert_failure 2
	assert_line --partial "usage: ppv-mint"
}

@test "an unknown format is a usage error naming the formats" {
	run ppv-mint -f cloudflare -k "$T/akamai.key" -t 1h /x
	assert_failure 2
	assert_output "ppv-mint: -f: unknown format 'cloudflare' (nginx, akamai, jwt, gcdn, fastly, bunny, cloudfront)"
}

@test "Akamai's published EdgeAuth test vectors reproduce byte for byte" {
	local n=0
	while IFS='|' read -r name args want; do
		case $name in '#'*|'') continue ;; esac
		set -f
		run ppv-mint -f akamai -k "$T/akamai.key" $args
		set +f
		[ "$status" -eq 0 ] || fail "$name: exit $status: $output"
		[ "$output" = "$want" ] || fail "$name: got $output, want $want"
		n=$((n + 1))
	done < "$DATA/akamai-vectors.txt"
	assert_equal "$n" 10
}

@test "akamai sha1 and md5 tokens match the reference algorithm recomputed in Python" {
	for algo in sha1 md5; do
		run ppv-mint -f akamai -k "$T/akamai.key" --algo $algo -s 1492404013 -e 1492405000 -a '/live/*'
		assert_success
		want=$($PY -c "
import hmac, hashlib, sys
key = bytes.fromhex(open('$T/akamai.key').read().strip())
body = 'st=1492404013~exp=1492405000~acl=/live/*'
print(body + '~hmac=' + hmac.new(key, body.encode(), hashlib.$algo).hexdigest())")
		assert_output "$want"
	done
}

@test "akamai with -u prints the URL carrying __token__" {
	run ppv-mint -f akamai -k "$T/akamai.key" -s 1492404013 -e 1492405000 -u https://cdn.example.com/ /target/url
	assert_success
	assert_output "https://cdn.example.com/target/url?__token__=st=1492404013~exp=1492405000~hmac=637d42fd0739315be4129508f9d3cbeba15c7ab561d767844f1fd468c4fb0694"
}

@test "a URL token checks OK on its own URL and fails on another path" {
	url=$(ppv-mint -f akamai -k "$T/akamai.key" -t 1h --now 1700000000 -u http://h /live/ev1/index.m3u8)
	run ppv-mint -c -f akamai -k "$T/akamai.key" --now 1700000100 <<<"$url"
	assert_success
	assert_output "$url: OK"
	run ppv-mint -c -f akamai -k "$T/akamai.key" --now 1700000100 <<<"${url/ev1/ev2}"
	assert_failure 1
	assert_output --partial ": FAIL bad-signature"
}

@test "check mode produces every FAIL reason" {
	tok=$(ppv-mint -f akamai -k "$T/akamai.key" -s 1700000000 -e 1700003600 -a '/live/ev1/*')
	chk() { ppv-mint -c -f akamai -k "$T/akamai.key" "$@"; }
	run chk --now 1700000100 --path /live/ev1/a.ts <<<"$tok"
	assert_output "$tok: OK"
	run chk --now 1700009999 <<<"$tok"
	assert_output "$tok: FAIL expired"
	run chk --now 1600000000 <<<"$tok"
	assert_output "$tok: FAIL not-yet-valid"
	# flip the last hex digit, whatever it is, so the case always runs
	last=${tok: -1}; [ "$last" = 0 ] && flip=1 || flip=0
	run chk --now 1700000100 <<<"${tok%?}$flip"
	assert_output "${tok%?}$flip: FAIL bad-signature"
	run chk --now 1700000100 --path /live/ev2/a.ts <<<"$tok"
	assert_output "$tok: FAIL acl-mismatch"
	run chk --now 1700000100 <<<"st=1~exp=zz~hmac=00"
	assert_output "st=1~exp=zz~hmac=00: FAIL malformed"
	assert_failure 1
	# unknown-key: a JWT whose kid is not in the key file
	other=$(mktemp "$T/k.XXXXXX"); echo "k9 $(ppv-mint --genkey)" > "$other"
	jwt=$(ppv-mint -f jwt -k "$other" -t 1h --sub fan -a '/*')
	run ppv-mint -c -f jwt -k "$T/jwt.key" <<<"$jwt"
	assert_failure 1
	assert_output "$jwt: FAIL unknown-key"
}

@test "leeway forgives clock skew at both ends" {
	tok=$(ppv-mint -f akamai -k "$T/akamai.key" -s 1700000000 -e 1700003600 -a '/*')
	run ppv-mint -c -f akamai -k "$T/akamai.key" --now 1700003630 --leeway 60 <<<"$tok"
	assert_success
	run ppv-mint -c -f akamai -k "$T/akamai.key" --now 1699999950 --leeway 1m <<<"$tok"
	assert_success
	run ppv-mint -c -f akamai -k "$T/akamai.key" --now 1700003630 <<<"$tok"
	assert_failure 1
}

@test "path traversal and encoded dots never pass an ACL" {
	tok=$(ppv-mint -f akamai -k "$T/akamai.key" -t 1h --now 1700000000 -a '/live/ev1/*')
	for p in /live/ev1/../ev2/a.ts /live/ev1/%2e%2e/ev2/a.ts /live/ev1%2f..%2fev2/a.ts \
	         /live/ev1/./../../live/ev2/a.ts /live/ev1/..%2F..%2Flive/ev2/a.ts; do
		run ppv-mint -c -f akamai -k "$T/akamai.key" --now 1700000100 --path "$p" <<<"$tok"
		assert_output "$tok: FAIL acl-mismatch"
	done
	run ppv-mint -c -f akamai -k "$T/akamai.key" --now 1700000100 --path /live/ev1/x/../a.ts <<<"$tok"
	assert_output "$tok: OK"
	run ppv-mint -c -f akamai -k "$T/akamai.key" --now 1700000100 --path /live/ev1/%zz <<<"$tok"
	assert_output "$tok: FAIL malformed"
}

@test "ACL wildcards: * spans slashes, ? is one character, several ACLs joined by !" {
	tok=$(ppv-mint -f akamai -k "$T/akamai.key" -t 1h --now 1700000000 -a '/live/ev?/*.ts' -a '/vod/show.m3u8')
	ok() { ppv-mint -q -c -f akamai -k "$T/akamai.key" --now 1700000100 --path "$1" <<<"$tok"; }
	run ok /live/ev1/a/b/seg.ts; assert_success
	run ok /live/ev12/seg.ts; assert_failure 1
	run ok /live/ev1/seg.m3u8; assert_failure 1
	run ok /vod/show.m3u8; assert_success
	run ok /vod/show.m3u8x; assert_failure 1
}

@test "keys rotate: the first key signs and every key in the file verifies" {
	old=$(ppv-mint -f akamai -k "$T/akamai.key" -t 1h -a '/*')
	umask 077
	{ ppv-mint --genkey; cat "$T/akamai.key"; } > "$T/rotated.key"
	new=$(ppv-mint -f akamai -k "$T/rotated.key" -t 1h -a '/*')
	run ppv-mint -c -q -f akamai -k "$T/rotated.key" <<<"$old"$'\n'"$new"
	assert_success
	run ppv-mint -c -q -f akamai -k "$T/akamai.key" <<<"$new"
	assert_output "$new: FAIL bad-signature"
}

@test "a key file readable by group or others is refused and its key never printed" {
	chmod 640 "$T/akamai.key"
	run ppv-mint -f akamai -k "$T/akamai.key" -t 1h -a '/*'
	assert_failure 2
	assert_output "ppv-mint: $T/akamai.key: key file is accessible by group or others (mode 0640); run: chmod 600 $T/akamai.key"
	refute_output --partial 7a5c2be9
}

@test "a malformed key file names the line but not the key" {
	umask 077
	printf '# keys\nk1 nothex!\n' > "$T/bad.key"
	run ppv-mint -f jwt -k "$T/bad.key" -t 1h --sub x -a '/*'
	assert_failure 2
	assert_output "ppv-mint: $T/bad.key:2: the key is not hex"
}

@test "keys can come from the environment instead of a file" {
	want=$(ppv-mint -f akamai -k "$T/akamai.key" -s 1492404013 -e 1492404013 -a '/*')
	PPV_KEY=$(cat "$T/akamai.key") run ppv-mint -f akamai -s 1492404013 -e 1492404013 -a '/*'
	assert_success
	assert_output "$want"
	run env -u PPV_KEY ppv-mint -f akamai -t 1h -a '/*'
	assert_failure 2
	assert_output "ppv-mint: no key: give -k FILE or set PPV_KEY"
}

@test "--genkey prints 32 random bytes: hex, or base64url for nginx" {
	run ppv-mint --genkey
	assert_output --regexp '^[0-9a-f]{64}$'
	a=$output
	run ppv-mint --genkey -f nginx
	assert_output --regexp '^[A-Za-z0-9_-]{43}$'
	assert_not_equal "$(ppv-mint --genkey)" "$a"
}

@test "no expiry is a usage error" {
	run ppv-mint -f akamai -k "$T/akamai.key" -a '/*'
	assert_failure 2
	assert_output "ppv-mint: no expiry: give -e TIME or -t TTL"
}

@test "-e takes RFC 3339 and -t takes durations like 1h30m" {
	run ppv-mint -f akamai -k "$T/akamai.key" -e 2026-01-01T00:00:00Z -a '/*'
	assert_output --partial "exp=1767225600~"
	run ppv-mint -f akamai -k "$T/akamai.key" --now 2026-01-01T00:00:00Z -t 1h30m -a '/*'
	assert_output --partial "exp=1767231000~"
	run ppv-mint -f akamai -k "$T/akamai.key" -t soon -a '/*'
	assert_failure 2
	assert_output "ppv-mint: -t: 'soon' is not a duration (90, 2m, 1h30m)"
}

@test "a batch of subscribers becomes one CSV row each, quoted where needed" {
	cat > "$T/subs.csv" <<-'CSV'
	subject,path,expires
	fan-1,/live/ev1/index.m3u8,
	"Doe, Jane",/live/ev1/index.m3u8,1800000000
	CSV
	run ppv-mint -f nginx -k "$T/nginx.key" -t 1h --now 1700000000 -u http://cdn < "$T/subs.csv"
	assert_success
	assert_line -n 0 "subject,path,expires,token,ticket,url"
	# no $ppv_ticket in the expression: no ticket
	assert_line -n 1 --regexp '^fan-1,/live/ev1/index.m3u8,1700003600,md5=[A-Za-z0-9_-]{22}&expires=1700003600,,http://cdn/live/ev1/index.m3u8\?md5=[A-Za-z0-9_-]{22}&expires=1700003600$'
	assert_line -n 2 --regexp '^"Doe, Jane",/live/ev1/index.m3u8,1800000000,'
	assert_equal "${#lines[@]}" 3
	# every URL of the batch passes the check
	sed -n 2p <<<"$output" | cut -d, -f6 > "$T/urls"
	run ppv-mint -c -q -f nginx -k "$T/nginx.key" --now 1700000100 "$T/urls"
	assert_success
}

@test "a batch row with a bad time is reported with its line and the rest still minted" {
	printf 'subject,path,start\na,/x,\nb,/y,yesterday\nc,/z,\n' > "$T/subs.csv"
	run ppv-mint -f akamai -k "$T/akamai.key" -t 1h --now 1700000000 < "$T/subs.csv"
	assert_failure 2
	assert_line "ppv-mint: stdin:3: bad start 'yesterday'"
	assert_line --regexp '^a,/x,1700003600,'
	assert_line --regexp '^c,/z,1700003600,'
}

@test "a batch row with an empty path is refused, never minted for everything" {
	printf 'subject,path\na,\nb,/live/ev1/x\n' > "$T/subs.csv"
	run ppv-mint -f jwt -k "$T/jwt.key" -t 1h < "$T/subs.csv"
	assert_failure 2
	assert_line "ppv-mint: stdin:2: empty path"
	assert_line --regexp '^b,/live/ev1/x,'
	refute_line --regexp '^a,'
}

@test "a batch without the needed columns says which" {
	run ppv-mint -f jwt -k "$T/jwt.key" -t 1h <<<"user,url"
	assert_failure 2
	assert_output "ppv-mint: stdin:1: the CSV header needs \`subject\` and \`path\` columns"
}

@test "a CSV with an unterminated quote is an error with file and line" {
	printf 'subject,path\n"open,/x\n' > "$T/bad.csv"
	run ppv-mint -f jwt -k "$T/jwt.key" -t 1h < "$T/bad.csv"
	assert_failure 2
	assert_line "ppv-mint: stdin:2: unterminated quoted field"
}

@test "check reads gzip files and several files in turn" {
	ppv-mint -f akamai -k "$T/akamai.key" -t 1h -a '/*' > "$T/a.txt"
	ppv-mint -f akamai -k "$T/akamai.key" -t 1h -a '/x/*' | gzip > "$T/b.txt.gz"
	run ppv-mint -c -f akamai -k "$T/akamai.key" "$T/a.txt" "$T/b.txt.gz"
	assert_success
	assert_equal "${#lines[@]}" 2
	run ppv-mint -c -f akamai -k "$T/akamai.key" "$T/missing.txt"
	assert_failure 2
	assert_output "ppv-mint: $T/missing.txt: No such file or directory"
}

@test "check skips blank lines and comments; -q prints only failures; -v sums up" {
	tok=$(ppv-mint -f akamai -k "$T/akamai.key" -t 1h -a '/*')
	run ppv-mint -c -q -v -f akamai -k "$T/akamai.key" <<<"# tickets"$'\n\n'"$tok"$'\n'"junk"
	assert_failure 1
	assert_line -n 0 "junk: FAIL malformed"
	assert_line -n 1 "ppv-mint: 2 checked, 1 OK, 1 failed"
}

@test "-o replaces the output file atomically and leaves no temporary file" {
	echo old > "$T/out"
	run ppv-mint -f akamai -k "$T/akamai.key" -s 1492404013 -e 1492404013 -a '/*' -o "$T/out"
	assert_success
	assert_output ""
	grep -q '^st=1492404013~exp=1492404013~acl=/\*~hmac=a77d3cd1' "$T/out"
	assert_equal "$(ls -A "$T" | grep -c '^\.out')" 0
}

@test "a failed -o write leaves the old file in place" {
	echo old > "$T/out"
	printf 'subject,path\na,/x\n' > "$T/subs.csv"
	run ppv-mint -f akamai -k "$T/akamai.key" -o "$T/out" < "$T/subs.csv"
	assert_failure 2
	assert_equal "$(cat "$T/out")" old
	assert_equal "$(ls -A "$T" | grep -c '^\.out')" 0
}

@test "a write error on stdout is exit 2, a closed pipe ends quietly" {
	[ -w /dev/full ] || skip "no /dev/full"
	run bash -c "ppv-mint -f akamai -k '$T/akamai.key' -t 1h -a '/*' > /dev/full"
	assert_failure 2
	assert_output --partial "write error"
	yes 'subject,path' | head -1 > "$T/h.csv"
	for i in $(seq 5000); do echo "s$i,/p$i"; done >> "$T/h.csv"
	run bash -c "ppv-mint -f akamai -k '$T/akamai.key' -t 1h < '$T/h.csv' | head -n 1"
	assert_success
	assert_output "subject,path,expires,token,ticket,url"
}

@test "nginx with -s is refused: secure_link has no start time" {
	run ppv-mint -f nginx -k "$T/nginx.key" -s 1700000000 -t 1h /x
	assert_failure 2
	assert_output "ppv-mint: -s: nginx secure_link has no start time"
}

@test "an nginx expression with an unknown variable is refused" {
	run ppv-mint -f nginx -k "$T/nginx.key" -t 1h --nginx-expr '$uri$host $secret' /x
	assert_failure 2
	assert_output --partial 'unknown variable $host'
}

@test "-o to a FIFO or device writes in place and never renames over it" {
	mkfifo "$T/fifo"
	cat "$T/fifo" > "$T/got" &
	run ppv-mint -f akamai -k "$T/akamai.key" -s 1492404013 -e 1492404013 -a '/*' -o "$T/fifo"
	assert_success
	wait
	[ -p "$T/fifo" ]
	grep -q '^st=1492404013~' "$T/got"
	run ppv-mint -f akamai -k "$T/akamai.key" -t 1h -a '/*' -o /dev/null
	assert_success
	[ -c /dev/null ]
}

@test "an empty batch is an error, not an empty success" {
	run ppv-mint -f jwt -k "$T/jwt.key" -t 1h < /dev/null
	assert_failure 2
	assert_output "ppv-mint: stdin: empty input: a CSV header was expected"
}

@test "a batch killed by SIGTERM leaves neither the output nor a temporary file" {
	printf 'subject,path\n' > "$T/subs.csv"
	mkfifo "$T/in"
	ppv-mint -f akamai -k "$T/akamai.key" -t 1h -o "$T/tickets.csv" < "$T/in" &
	pid=$!
	exec 4> "$T/in"
	cat "$T/subs.csv" >&4
	echo "a,/x" >&4
	sleep 0.3
	kill -TERM $pid
	exec 4>&-
	rc=0
	wait $pid || rc=$?
	assert_equal "$rc" 143
	[ ! -e "$T/tickets.csv" ]
	assert_equal "$(ls -A "$T" | grep -c '^\.tickets')" 0
}

@test "nginx with -a is refused: secure_link signs paths, it has no ACL" {
	run ppv-mint -f nginx -k "$T/nginx.key" -t 1h -a '/live/*'
	assert_failure 2
	assert_output "ppv-mint: -a: nginx secure_link has no ACL: it signs each PATH"
}

@test "--token-path puts the nginx token in the path, and -c reads it back from there" {
	e='$secure_link_expires$ppv_dir $secret'
	run ppv-mint -f nginx -k "$T/nginx.key" --now 1764000000 -t 1h --token-path /t/ --nginx-expr "$e" \
		-u https://cdn.example.com/ /live/ev1/index.m3u8
	assert_success
	assert_output --regexp '^https://cdn\.example\.com/t/[A-Za-z0-9_-]{22}/1764003600/live/ev1/index\.m3u8$'
	url=$output
	# the same token the query form carries
	q=$(ppv-mint -f nginx -k "$T/nginx.key" --now 1764000000 -t 1h --nginx-expr "$e" /live/ev1/index.m3u8)
	[[ $url == *"/t/$(echo "$q" | sed -E 's/md5=([^&]*)&expires=/\1\//')/live/ev1/index.m3u8" ]]
	# any file of the event checks, another event's does not, nor a mangled prefix
	run ppv-mint -c -f nginx -k "$T/nginx.key" --now 1764000000 --token-path /t --nginx-expr "$e" <<-URLS
	${url/index.m3u8/seg00042.ts}
	${url/index.m3u8/key-0.key}
	${url/ev1/ev2}
	${url/\/t\//\/x\/}
	${url%/live/*}
	URLS
	assert_failure 1
	assert_line --index 0 --partial ': OK'
	assert_line --index 1 --partial ': OK'
	assert_line --index 2 --partial ': FAIL bad-signature'
	assert_line --index 3 --partial ': FAIL malformed'
	assert_line --index 4 --partial ': FAIL malformed'
	run ppv-mint -c -f nginx -k "$T/nginx.key" --now 1764010000 --token-path /t --nginx-expr "$e" <<< "$url"
	assert_failure 1
	assert_output --partial ': FAIL expired'
	# without -u, the path alone
	run ppv-mint -f nginx -k "$T/nginx.key" --now 1764000000 -t 1h --token-path /t --nginx-expr "$e" /live/ev1/index.m3u8
	assert_success
	assert_output "${url#https://cdn.example.com}"
}

@test "--token-path is refused for formats other than nginx, and without a leading slash" {
	run ppv-mint -f akamai -k "$T/akamai.key" -t 1h --token-path /t /live/ev1/index.m3u8
	assert_failure 2
	assert_output --partial 'nginx only'
	run ppv-mint -f nginx -k "$T/nginx.key" -t 1h --token-path t /live/ev1/index.m3u8
	assert_failure 2
	assert_output --partial '--token-path'
}

@test "a line over 1 MiB in a check run is one failed line; the run goes on" {
	good=$(ppv-mint -f akamai -k "$T/akamai.key" -t 1h -a '/*')
	{ echo "$good"; head -c 3000000 /dev/zero | tr '\0' 'a'; echo; echo "$good"; } > "$T/in.txt"
	run ppv-mint -c -f akamai -k "$T/akamai.key" "$T/in.txt"
	assert_failure 1
	assert_output "$good: OK
$T/in.txt:2: (a line over 1 MiB): FAIL malformed
$good: OK"
}

@test "\$ppv_ticket: each buyer's URL carries a ticket id of their own, in the path or the query, and -c reads it back" {
	E='$secure_link_expires$ppv_dir$ppv_ticket $secret'
	printf 'subject,path\nana,/live/ev1/index.m3u8\nbo,/live/ev1/index.m3u8\nana,/live/ev2/index.m3u8\n' > "$T/subs.csv"
	run ppv-mint -f nginx -k "$T/nginx.key" --nginx-expr "$E" --token-path /t -u http://cdn -e 2000000000 < "$T/subs.csv"
	assert_success
	# python3: hmac.new(b"s3cr3t", b"ppv-ticket\n/live/ev1\nana", hashlib.sha256).hexdigest()[:16]
	assert_line -n 1 --regexp '^ana,/live/ev1/index.m3u8,2000000000,md5=[A-Za-z0-9_-]{22}&expires=2000000000&ticket=62a06f71c66135c6,62a06f71c66135c6,http://cdn/t/[A-Za-z0-9_-]{22}/2000000000/62a06f71c66135c6/live/ev1/index.m3u8$'
	t_bo=$(sed -n 3p <<< "$output" | cut -d, -f5)
	t_ev2=$(sed -n 4p <<< "$output" | cut -d, -f5)
	assert_equal "$(printf '%s\n' 62a06f71c66135c6 "$t_bo" "$t_ev2" | sort -u | wc -l)" 3
	tail -n +2 <<< "$output" | cut -d, -f6 > "$T/urls"
	run ppv-mint -c -f nginx -k "$T/nginx.key" --nginx-expr "$E" --token-path /t --now 1900000000 "$T/urls"
	assert_success
	# another buyer's ticket id under ana's signature is a bad signature
	sed -n 1p "$T/urls" | sed "s/62a06f71c66135c6/$t_bo/" > "$T/swapped"
	run ppv-mint -c -f nginx -k "$T/nginx.key" --nginx-expr "$E" --token-path /t --now 1900000000 "$T/swapped"
	assert_failure 1
	assert_output --partial "FAIL bad-signature"
	# the query form: &ticket=
	run ppv-mint -f nginx -k "$T/nginx.key" --nginx-expr "$E" -e 2000000000 --sub ana -u http://cdn /live/ev1/a.ts
	assert_output --regexp '^http://cdn/live/ev1/a.ts\?md5=[A-Za-z0-9_-]{22}&expires=2000000000&ticket=62a06f71c66135c6$'
	run ppv-mint -c -f nginx -k "$T/nginx.key" --nginx-expr "$E" --now 1900000000 <<< "$output"
	assert_success
	# a ticket is a buyer's: no subject, no ticket
	run ppv-mint -f nginx -k "$T/nginx.key" --nginx-expr "$E" -e 2000000000 /live/ev1/a.ts
	assert_failure 2
	assert_output --partial "cannot mint"
}

@test "--revoke writes the map nginx includes, keeps what -o had, and -c --revoked fails those tickets" {
	E='$secure_link_expires$ppv_dir$ppv_ticket $secret'
	printf 'subject,path\nbo,/live/ev1/x.ts\n' | ppv-mint -f nginx -k "$T/nginx.key" --revoke -o "$T/revoked.map"
	printf 'ticket\n00000000000000ff\n' | ppv-mint -f nginx -k "$T/nginx.key" --revoke -o "$T/revoked.map"
	bo=$(ppv-mint -f nginx -k "$T/nginx.key" --nginx-expr "$E" -e 2000000000 --sub bo --token-path /t /live/ev1/index.m3u8)
	t_bo=$(cut -d/ -f5 <<< "$bo")
	assert_equal "$(grep -v '^#' "$T/revoked.map")" "$(printf '00000000000000ff 1;\n%s 1;' "$t_bo" | sort)"
	ana=$(ppv-mint -f nginx -k "$T/nginx.key" --nginx-expr "$E" -e 2000000000 --sub ana --token-path /t /live/ev1/index.m3u8)
	run ppv-mint -c -f nginx -k "$T/nginx.key" --nginx-expr "$E" --token-path /t --now 1900000000 --revoked "$T/revoked.map" <<< "$ana
$bo"
	assert_failure 1
	assert_output "$ana: OK
$bo: FAIL revoked"
	# with two keys (a rotation), a subject's ticket under either key is revoked
	printf 'n3w-k3y\ns3cr3t\n' > "$T/two.key"
	chmod 600 "$T/two.key"
	run ppv-mint -f nginx -k "$T/two.key" --revoke <<< "subject,path
bo,/live/ev1/index.m3u8"
	assert_success
	assert_line --partial "$t_bo 1;"
	assert_equal "$(grep -c ' 1;$' <<< "$output")" 2
	# bad rows are named and the run fails, the good ones still written
	run ppv-mint -f nginx -k "$T/nginx.key" --revoke <<< "ticket
nope
00000000000000aa"
	assert_failure 2
	assert_line "ppv-mint: stdin:2: 'nope' is not a ticket (16 hex digits)"
	assert_line "00000000000000aa 1;"
	# a map that is not one is refused by file:line
	printf '00000000000000ff 1;\nnot a ticket;\n' > "$T/bad.map"
	run ppv-mint -c -f nginx -k "$T/nginx.key" --revoked "$T/bad.map" < /dev/null
	assert_failure 2
	assert_output "ppv-mint: $T/bad.map:2: not a \`TICKET 1;\` line"
	run ppv-mint -f akamai -k "$T/akamai.key" --revoke < /dev/null
	assert_failure 2
	assert_output --partial "tickets are nginx's"
}
