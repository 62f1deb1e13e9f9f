#!/usr/bin/env bats
# ppv-splice decode and encode: the SCTE 35 section 14 samples, bad cues,
# and cues we write read back by us and by ffprobe.

load helpers

# the published samples, as the unit tests read them
sample() { awk -v n="$1" '$1 == n { print $2 }' "$DATA/scte35-samples.txt"; }
S141=$(sample 14.1)
S142=$(sample 14.2)
S148=$(sample 14.8)

# field PATH of the one JSON object on stdin, e.g. descriptors.0.upid
field() {
	$PY -c '
import json, sys
v = json.loads(sys.stdin.readline())
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v))' "$1"
}

@test "14.1 time_signal decodes to the published placement opportunity start" {
	run ppv-splice decode "$S141"
	assert_success
	assert_equal "$(field command <<<"$output")" '"time_signal"'
	assert_equal "$(field pts_time <<<"$output")" 21388.766756
	assert_equal "$(field descriptors.0.segmentation_event_id <<<"$output")" 1207959694   # 0x4800008E
	assert_equal "$(field descriptors.0.segmentation_type_id <<<"$output")" 52            # 0x34
	assert_equal "$(field descriptors.0.segmentation_duration <<<"$output")" 307.0
	assert_equal "$(field descriptors.0.upid_type <<<"$output")" 8
	assert_equal "$(field descriptors.0.upid <<<"$output")" '"0x000000002CA0A18A"'
	assert_equal "$(field descriptors.0.segment_num <<<"$output")" 2
}

@test "14.2 splice_insert decodes with its break duration and avail descriptor" {
	run ppv-splice decode "$S142"
	assert_success
	assert_equal "$(field command <<<"$output")" '"splice_insert"'
	assert_equal "$(field event_id <<<"$output")" 1207959695
	assert_equal "$(field out_of_network <<<"$output")" true
	assert_equal "$(field pts_time <<<"$output")" 21514.559089
	assert_equal "$(field duration <<<"$output")" 60.293567
	assert_equal "$(field auto_return <<<"$output")" true
	assert_equal "$(field descriptors.0.provider_avail_id <<<"$output")" 309
}

@test "14.8 carries three segmentation descriptors in order" {
	run ppv-splice decode "$S148"
	assert_success
	assert_equal "$(field pts_time <<<"$output")" 31466.942367
	assert_equal "$(field descriptors.0.segmentation_type_id <<<"$output")" 53
	assert_equal "$(field descriptors.1.segmentation_type_id <<<"$output")" 17
	assert_equal "$(field descriptors.2.segmentation_type_id <<<"$output")" 16
}

@test "cues come one a line on stdin, base64 or 0x-hex" {
	hex=0x$(printf '%s' "$S142" | base64 -d | od -An -tx1 -v | tr -d ' \n')
	run ppv-splice decode <<<"$S141
# a comment
$hex"
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_equal "$(field event_id <<<"${lines[1]}")" 1207959695
}

@test "a bad CRC is reported and the cue rejected, the others still decoded" {
	bad=$(printf '%s' "$S142" | base64 -d | od -An -tx1 -v | tr -d ' \n' | sed 's/0a$/0b/')
	run ppv-splice decode "$S141" "0x$bad"
	assert_failure 1
	assert_line --partial '"pts_time":21388.766756'
	assert_line --regexp '^ppv-splice: cue 2: bad CRC-32: computed 0x[0-9a-f]{8}, cue carries 0x62dba30b$'
}

@test "text that is no cue is rejected with its number" {
	run ppv-splice decode 'not a cue'
	assert_failure 1
	assert_output 'ppv-splice: cue 1: neither base64 nor 0x-hex'
}

@test "encode then decode gives back every field" {
	run ppv-splice encode --insert --event-id 77 --pts 600.5 --duration 30 --auto-return \
		--type 0x34 --upid ti:000000002CA0A18A
	assert_success
	cue=$output
	run ppv-splice decode "$cue"
	assert_success
	assert_equal "$(field event_id <<<"$output")" 77
	assert_equal "$(field pts_time <<<"$output")" 600.5
	assert_equal "$(field duration <<<"$output")" 30.0
	assert_equal "$(field auto_return <<<"$output")" true
	assert_equal "$(field descriptors.0.segmentation_type_id <<<"$output")" 52
	assert_equal "$(field descriptors.0.upid <<<"$output")" '"0x000000002CA0A18A"'
}

@test "UPIDs are shown by their type: MID as a list, ATSC and MPU as fields, text as text" {
	run ppv-splice decode "$(ppv-splice encode --time-signal --type 0x30 --upid mid:08080000000012345678030C414243443031323334353637)"
	assert_output --partial '"upid":[{"upid_type":8,"upid_type_name":"TI","upid":"0x0000000012345678"},{"upid_type":3,"upid_type_name":"Ad-ID","upid":"ABCD01234567"}]'
	run ppv-splice decode "$(ppv-splice encode --time-signal --type 0x30 --upid atsc:0001FFFF6162)"
	assert_output --partial '"upid":{"tsid":1,"end_of_day":31,"unique_for":511,"content_id":"0x6162"}'
	run ppv-splice decode "$(ppv-splice encode --time-signal --type 0x30 --upid mpu:41424344010203)"
	assert_output --partial '"upid":{"format_identifier":"ABCD","private_data":"0x010203"}'
	run ppv-splice decode "$(ppv-splice encode --time-signal --type 0x30 --upid uri:75726e3a783a31)"
	assert_output --partial '"upid_type":15,"upid_type_name":"URI","upid":"urn:x:1"'
	run ppv-splice decode "$(ppv-splice encode --time-signal --type 0x30 --upid 0x10:00112233445566778899aabbccddeeff)"
	assert_output --partial '"upid":"00112233-4455-6677-8899-aabbccddeeff"'
}

# a cue with its UPID's type byte set to t and the CRC made again: the way
# to write the malformed cues encode refuses
retype() {
	$PY -c '
import base64, sys, zlib
b = bytearray(base64.b64decode(sys.argv[1]))
i = b.index(b"CUEI") + 4 + 4 + 1 + 1   # event id, cancel, flags
assert b[i] == 0x0e, "the descriptor layout changed"
b[i] = int(sys.argv[2], 0)
crc = 0xffffffff
for x in b[:-4]:
    crc ^= x << 24
    for _ in range(8):
        crc = (crc << 1 ^ 0x04c11db7 if crc & 0x80000000 else crc << 1) & 0xffffffff
b[-4:] = crc.to_bytes(4, "big")
print(base64.b64encode(bytes(b)).decode())' "$1" "$2"
}

@test "UPIDs whose length contradicts their type are refused by encode and reported by decode" {
	run ppv-splice encode --time-signal --type 0x34 --upid ti:01
	assert_failure 2
	assert_output 'ppv-splice: --upid: UPID type TI takes 8 bytes, not 1'
	run ppv-splice encode --time-signal --type 0x34 --upid uuid:0102
	assert_failure 2
	assert_output 'ppv-splice: --upid: UPID type UUID takes 16 bytes, not 2'
	run ppv-splice encode --time-signal --type 0x34 --upid mid:0801aa
	assert_failure 2
	assert_output 'ppv-splice: --upid: MID UPID 1: UPID type TI takes 8 bytes, not 1'
	# a MID whose last entry is cut: ADS bytes encoded, then called a MID
	good=$(ppv-splice encode --time-signal --type 0x34 --upid ads:080800000000123456780F05616263)
	run ppv-splice decode "$(retype "$good" 0x0d)"
	assert_failure 1
	assert_output 'ppv-splice: cue 1: descriptor 1: MID UPID 2: cut short: 5 bytes said, 3 there'
	run ppv-splice decode "$(retype "$good" 0x08)"
	assert_failure 1
	assert_output 'ppv-splice: cue 1: descriptor 1: UPID type TI takes 8 bytes, not 15'
	run ppv-splice decode "$(retype "$good" 0x0e)"
	assert_success
}

@test "encode writes a time_signal as hex" {
	run ppv-splice encode --time-signal --pts 90000t --hex
	assert_success
	assert_output --regexp '^0xFC30[0-9A-F]+$'
	run ppv-splice decode "$output"
	assert_equal "$(field pts_time <<<"$output")" 1.0
}

@test "encode without a command, or with both, is a usage error" {
	run ppv-splice encode --event-id 1
	assert_failure 2
	run ppv-splice encode --insert --time-signal
	assert_failure 2
	run ppv-splice encode --insert --pts soon
	assert_failure 2
	assert_output "ppv-splice: --pts: 'soon' is not a time in seconds (12.5) or ticks (90000t)"
}

@test "an unknown mode is a usage error; help and version work" {
	run ppv-splice frobnicate
	assert_failure 2
	run ppv-splice --help
	assert_success
	assert_output --partial 'ppv-splice stitch'
	run ppv-splice decode --version
	assert_success
	assert_output --regexp '^ppv-splice \(ppv\) [0-9]'
}
