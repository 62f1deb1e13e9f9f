#!/usr/bin/env bats
# ppv-mint --audit: shared tickets found in nginx access logs, and fed to --revoke.

load helpers

per_test() {
	$PY "$BATS_TEST_DIRNAME/lib/gen-access-log.py" --scenario > "$T/access.log"
}

@test "the audit flags the ticket two households share, not a phone changing networks, two buyers behind one carrier NAT or an honest viewer" {
	run ppv-mint --audit "$T/access.log"
	assert_failure 1
	assert_output "ticket,networks,overlaps,requests,first_seen,last_seen,verdict
aaaaaaaaaaaaaaaa,2,150,600,2026-11-30T20:00:00Z,2026-11-30T20:09:58Z,shared
bbbbbbbbbbbbbbbb,2,1,302,2026-11-30T20:00:00Z,2026-11-30T20:09:57Z,ok
cccccccccccccccc,1,0,300,2026-11-30T20:00:00Z,2026-11-30T20:09:57Z,ok
dddddddddddddddd,1,0,300,2026-11-30T20:00:00Z,2026-11-30T20:09:57Z,ok
eeeeeeeeeeeeeeee,1,0,300,2026-11-30T20:00:00Z,2026-11-30T20:09:57Z,ok"
}

@test "the audit of a .gz log, of stdin and of the plain file are the same" {
	ppv-mint --audit "$T/access.log" > "$T/plain.csv" || true
	gzip -k "$T/access.log"
	run ppv-mint --audit "$T/access.log.gz"
	assert_failure 1
	assert_equal "$output" "$(cat "$T/plain.csv")"
	run ppv-mint --audit < "$T/access.log.gz"
	assert_failure 1
	assert_equal "$output" "$(cat "$T/plain.csv")"
	# a day's logs rotated in two files read as one
	split -l 1000 "$T/access.log" "$T/part."
	gzip "$T/part.aa"
	run ppv-mint --audit "$T/part.aa.gz" "$T/part.ab"
	assert_failure 1
	assert_equal "$output" "$(cat "$T/plain.csv")"
}

@test "malformed log lines are counted and named by line, never fatal; the rest is audited" {
	$PY "$BATS_TEST_DIRNAME/lib/gen-access-log.py" --scenario --malformed 3,700,1500 > "$T/bad.log"
	ppv-mint --audit "$T/access.log" > "$T/good.csv" || true
	run -1 --separate-stderr ppv-mint --audit "$T/bad.log"
	assert_equal "$output" "$(cat "$T/good.csv")"
	assert_equal "$stderr" "ppv-mint: $T/bad.log:3: not a \`combined\` log line
ppv-mint: $T/bad.log:700: not a \`combined\` log line
ppv-mint: $T/bad.log:1500: not a \`combined\` log line
ppv-mint: 3 of 1805 lines were not \`combined\` log lines: skipped"
}

@test "a log of honest viewers only exits 0; -o writes the CSV atomically" {
	grep -v aaaaaaaaaaaaaaaa "$T/access.log" > "$T/honest.log"
	run ppv-mint --audit -o "$T/audit.csv" "$T/honest.log"
	assert_success
	assert_output ""
	assert_equal "$(grep -c ',ok$' "$T/audit.csv")" 4
	refute [ -e "$T/audit.csv.tmp" ]
}

@test "--window: fetches of a segment further apart than the window are no overlap" {
	# the second household replays each segment 2 minutes later (a recording)
	$PY - "$T/access.log" > "$T/late.log" <<-'PY'
	import re, sys, time
	for l in open(sys.argv[1]):
	    if l.startswith("203.0.113.40 "):
	        d = re.search(r"\[([^\]]+) \+0000\]", l).group(1)
	        t = time.mktime(time.strptime(d, "%d/%b/%Y:%H:%M:%S")) + 120
	        l = l.replace(d, time.strftime("%d/%b/%Y:%H:%M:%S", time.localtime(t)))
	    sys.stdout.write(l)
	PY
	run ppv-mint --audit "$T/late.log"
	assert_success
	assert_line -n 1 --regexp '^aaaaaaaaaaaaaaaa,2,0,600,.*,ok$'
	run ppv-mint --audit --window 3m "$T/late.log"
	assert_failure 1
	assert_line -n 1 --regexp '^aaaaaaaaaaaaaaaa,2,150,600,.*,shared$'
}

@test "the audit's CSV feeds --revoke: only the shared ticket is taken back" {
	ppv-mint --audit "$T/access.log" > "$T/audit.csv" || true
	run ppv-mint -f nginx -k "$T/nginx.key" --revoke "$T/audit.csv"
	assert_success
	assert_line -n 1 "aaaaaaaaaaaaaaaa 1;"
	assert_equal "${#lines[@]}" 2
	# and straight through a pipe
	run bash -c "ppv-mint --audit '$T/access.log' | ppv-mint -f nginx -k '$T/nginx.key' --revoke"
	assert_line -n 1 "aaaaaaaaaaaaaaaa 1;"
}

@test "--audit with --revoke or -c is a usage error; --window must be a duration" {
	run ppv-mint --audit --revoke "$T/access.log"
	assert_failure 2
	assert_output --partial "choose one"
	run ppv-mint --audit --window soon "$T/access.log"
	assert_failure 2
	assert_output --partial "--window: 'soon' is not a duration"
}

@test "a line over 1 MiB is one malformed line; the audit goes on" {
	{ head -n 10 "$T/access.log"; head -c 2000000 /dev/zero | tr '\0' x; echo; tail -n +11 "$T/access.log"; } > "$T/long.log"
	run -1 --separate-stderr ppv-mint --audit "$T/long.log"
	assert_line -n 1 --regexp '^aaaaaaaaaaaaaaaa,2,150,600,'
	assert_equal "$stderr" "ppv-mint: $T/long.log:11: a line over 1 MiB
ppv-mint: 1 of 1803 lines were not \`combined\` log lines: skipped"
}
