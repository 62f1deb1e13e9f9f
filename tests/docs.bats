#!/usr/bin/env bats
# Every ppv-mint example in the README and in the man page's EXAMPLES runs as
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
	umask 022
	printf 'subject,path\nfan-1,/live/ev1/index.m3u8\n"Doe, Jane",/live/ev1/index.m3u8\n' > buyers.csv
	cp buyers.csv subscribers.csv
	ppv-mint -f nginx -k event.key -t 4h -u https://cdn.example.com < buyers.csv > tickets.csv
	ppv-mint -f akamai -k akamai.key -t 1h -a '/live/ev1/*' | gzip > tokens.txt.gz
	ppv-mint -f nginx -k nginx.key --ip 203.0.113.7 -t 1h -u http://h /live/ev1/a.ts | gzip > urls.txt.gz
	ppv-ingest --test-source --duration 1 --size 160x120 | ffmpeg -v error -i - -c copy -f flv recording.flv
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
		}' "$1" | sed 's/^ *//' | grep -E 'ppv-(mint|ingest)' | grep -vE '^(make|sudo) ' |
		# servers that wait for a publisher, and binaries still to come, are run elsewhere
		grep -vE -- ' -l |ppv-(segment|splice|earnings)' || true
}

run_examples() {
	local n=0
	fixtures
	while IFS= read -r cmd; do
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
