#!/usr/bin/env bats
# ppv-mint for Google Cloud CDN and Fastly: the published vectors and the reference code, byte for byte.

load helpers

per_test() {
	# the key of Google's samples (python-docs-samples/cdn/snippets_test.py), under its name
	(umask 077; echo 'my-key nZtRohdNF9m3cKM24IcK4w==' > "$T/gcdn.key"
	 echo 'iqFPeN2u+Z0Lm5IrsKaOFKRqEU5Gw8ePtaEkHZWuD24=' > "$T/fastly.key")
}

@test "gcdn: Google's published signed URL vectors reproduce byte for byte" {
	run ppv-mint -f gcdn -k "$T/gcdn.key" -e 1549751401 http://35.186.234.33/index.html http://www.example.com/ \
		'http://www.example.com/some/path?some=query&another=param'
	assert_success
	assert_output 'http://35.186.234.33/index.html?Expires=1549751401&KeyName=my-key&Signature=CRFqQnVfFyiUyR63OQf-HRUpIwc=
http://www.example.com/?Expires=1549751401&KeyName=my-key&Signature=OqDUFfHpN5Vxga6r80bhsgxKves=
http://www.example.com/some/path?some=query&another=param&Expires=1549751401&KeyName=my-key&Signature=9Q9TCxSju8-W5nUkk5CuTrun2_o='
}

@test "gcdn: Google's URL-prefix vectors reproduce byte for byte" {
	run ppv-mint -f gcdn -k "$T/gcdn.key" -e 1549751401 --prefix http://35.186.234.33/ http://35.186.234.33/index.html
	assert_output 'http://35.186.234.33/index.html?URLPrefix=aHR0cDovLzM1LjE4Ni4yMzQuMzMv&Expires=1549751401&KeyName=my-key&Signature=j7HYgoQ8dIOVsW3Rw4cpkjWfRMA='
	run ppv-mint -f gcdn -k "$T/gcdn.key" -e 1549751401 --prefix http://www.example.com/ http://www.example.com/
	assert_output 'http://www.example.com/?URLPrefix=aHR0cDovL3d3dy5leGFtcGxlLmNvbS8=&Expires=1549751401&KeyName=my-key&Signature=UdT5nVks6Hh8QFMJI9kmXuXYBk0='
	run ppv-mint -f gcdn -k "$T/gcdn.key" -e 1549751401 --prefix http://www.example.com/some/ \
		'http://www.example.com/some/path?some=query&another=param'
	assert_output 'http://www.example.com/some/path?some=query&another=param&URLPrefix=aHR0cDovL3d3dy5leGFtcGxlLmNvbS9zb21lLw==&Expires=1549751401&KeyName=my-key&Signature=3th4ThmpS95I1TAKYyYSCSq3dnQ='
}

@test "gcdn: Google's Cloud-CDN-Cookie vectors reproduce byte for byte, as Set-Cookie lines" {
	run ppv-mint -f gcdn -k "$T/gcdn.key" -e 1549751401 --cookies http://35.186.234.33/index.html https://www.example.com/foo/
	assert_success
	assert_line -n 0 'Set-Cookie: Cloud-CDN-Cookie=URLPrefix=aHR0cDovLzM1LjE4Ni4yMzQuMzMvaW5kZXguaHRtbA==:Expires=1549751401:KeyName=my-key:Signature=uImwlOBCPs91mlCyG9vyyZRrNWU=; Path=/; Expires=Sat, 09 Feb 2019 22:30:01 GMT; HttpOnly'
	# the second vector is for http://; its signature covers the URL, so https:// signs anew
	assert_line -n 1 --regexp '^Set-Cookie: Cloud-CDN-Cookie=URLPrefix=aHR0cHM6Ly93d3cuZXhhbXBsZS5jb20vZm9vLw==:Expires=1549751401:KeyName=my-key:Signature=[A-Za-z0-9_-]{27}=; Path=/foo/; Expires=Sat, 09 Feb 2019 22:30:01 GMT; HttpOnly; Secure$'
	run ppv-mint -f gcdn -k "$T/gcdn.key" -e 1549751401 --cookies http://www.example.com/foo/
	assert_output --partial 'Cloud-CDN-Cookie=URLPrefix=aHR0cDovL3d3dy5leGFtcGxlLmNvbS9mb28v:Expires=1549751401:KeyName=my-key:Signature=Z9uYAu73YHioRScZDxnP-TnS274=;'
}

@test "gcdn: -u joins the base and each path into the URL signed; a batch gets a URL a row" {
	run ppv-mint -f gcdn -k "$T/gcdn.key" -e 1549751401 -u http://www.example.com/ /
	assert_output 'http://www.example.com/?Expires=1549751401&KeyName=my-key&Signature=OqDUFfHpN5Vxga6r80bhsgxKves='
	run ppv-mint -f gcdn -k "$T/gcdn.key" -e 1549751401 -u http://35.186.234.33 <<< 'subject,path
fan-1,/index.html'
	assert_line -n 1 'fan-1,/index.html,1549751401,Expires=1549751401&KeyName=my-key&Signature=CRFqQnVfFyiUyR63OQf-HRUpIwc=,,http://35.186.234.33/index.html?Expires=1549751401&KeyName=my-key&Signature=CRFqQnVfFyiUyR63OQf-HRUpIwc='
}

@test "gcdn -c: good, tampered, expired, another key's name, and a URL outside the signed prefix" {
	k=(-f gcdn -k "$T/gcdn.key")
	good=$(ppv-mint "${k[@]}" -e 2000000000 http://cdn/live/ev1/index.m3u8)
	pre=$(ppv-mint "${k[@]}" -e 2000000000 --prefix http://cdn/live/ev1/ http://cdn/live/ev1/index.m3u8)
	old=$(ppv-mint "${k[@]}" -e 1549751401 http://cdn/live/ev1/index.m3u8)
	cookie=$(ppv-mint "${k[@]}" -e 2000000000 --cookies http://cdn/live/ev1/)
	printf '%s\n' "$good" "$pre" "${pre/live\/ev1\/index/live/ev1/index_144p}" "$cookie" > "$T/ok"
	run ppv-mint -c "${k[@]}" --now 1900000000 "$T/ok"
	assert_success
	printf '%s\n' "${good/ev1/ev2}" "$old" "${good/my-key/other-key}" "${pre/live\/ev1\/index/live/ev2/index}" \
		"${good%Signature=*}" > "$T/bad"
	run ppv-mint -c -q "${k[@]}" --now 1900000000 "$T/bad"
	assert_failure 1
	assert_output "${good/ev1/ev2}: FAIL bad-signature
$old: FAIL expired
${good/my-key/other-key}: FAIL unknown-key
${pre/live\/ev1\/index/live/ev2/index}: FAIL acl-mismatch
${good%Signature=*}: FAIL malformed"
	# a cookie covers the URLs under its prefix, named by --path
	run ppv-mint -c "${k[@]}" --now 1900000000 --path http://cdn/live/ev2/index.m3u8 <<< "$cookie"
	assert_failure 1
	assert_output --partial 'FAIL acl-mismatch'
}

@test "gcdn: keys need a name and 16 bytes; options of other formats are refused" {
	(umask 077; echo 'nZtRohdNF9m3cKM24IcK4w==' > "$T/anon.key"; echo 'k AAAAAAAAAAAAAAAAAAAAAAAAAAA=' > "$T/short.key")
	run ppv-mint -f gcdn -k "$T/anon.key" -e 1549751401 http://www.example.com/
	assert_failure 2
	assert_output --partial "needs the key's name"
	run ppv-mint -f gcdn -k "$T/anon.key" --key-name my-key -e 1549751401 http://www.example.com/
	assert_output 'http://www.example.com/?Expires=1549751401&KeyName=my-key&Signature=OqDUFfHpN5Vxga6r80bhsgxKves='
	run ppv-mint -f gcdn -k "$T/short.key" -e 1549751401 http://www.example.com/
	assert_failure 2
	assert_output --partial "16 bytes"
	run ppv-mint -f gcdn -k "$T/gcdn.key" -e 1549751401 --prefix http://other/ http://www.example.com/
	assert_failure 2
	run ppv-mint -f gcdn -k "$T/gcdn.key" -e 1549751401 /no/host
	assert_failure 2
	run ppv-mint -f gcdn -k "$T/gcdn.key" -s 1549751401 -e 1549751501 http://www.example.com/
	assert_failure 2
	assert_output "ppv-mint: -s: Cloud CDN has no start time"
	run ppv-mint -f nginx -k "$T/nginx.key" --cookies -t 1h /x
	assert_failure 2
	assert_output "ppv-mint: --cookies: Cloud CDN and CloudFront only"
}

# Fastly's own code (fastly/token-functions): HMAC-SHA1 of path and expiry under the base64-decoded key
fastly_ref() {
	$PY -c 'import base64, hashlib, hmac, sys
k = base64.b64decode(open(sys.argv[1]).read().strip())
print("token=%s_%s" % (sys.argv[3], hmac.new(k, (sys.argv[2] + sys.argv[3]).encode(), hashlib.sha1).hexdigest()))' "$T/fastly.key" "$1" "$2"
}

@test "fastly: the token of Fastly's reference code, bare or on a URL, its query not signed" {
	run ppv-mint -f fastly -k "$T/fastly.key" -e 1441307151 /foo/bar.html
	assert_output "$(fastly_ref /foo/bar.html 1441307151)"
	run ppv-mint -f fastly -k "$T/fastly.key" -e 1441307151 -u http://www.example.com '/foo/bar.html?a=1'
	assert_output "http://www.example.com/foo/bar.html?a=1&$(fastly_ref /foo/bar.html 1441307151)"
	run ppv-mint -f fastly -k "$T/fastly.key" -e 2000000000 <<< 'subject,path
fan-1,/live/ev1/index.m3u8'
	t=$(fastly_ref /live/ev1/index.m3u8 2000000000)
	assert_line -n 1 "fan-1,/live/ev1/index.m3u8,2000000000,$t,,/live/ev1/index.m3u8?$t"
}

@test "fastly -c: good, tampered, expired; --path for a bare token" {
	k=(-f fastly -k "$T/fastly.key")
	good=$(ppv-mint "${k[@]}" -e 2000000000 -u http://h /live/ev1/a.ts)
	old=$(ppv-mint "${k[@]}" -e 1441307151 -u http://h /live/ev1/a.ts)
	run ppv-mint -c "${k[@]}" --now 1900000000 <<< "$good"
	assert_success
	run ppv-mint -c -q "${k[@]}" --now 1900000000 <<< "${good/a.ts/b.ts}
$old
${good%_*}_0000000000000000000000000000000000000000
${good%_*}"
	assert_failure 1
	assert_output "${good/a.ts/b.ts}: FAIL bad-signature
$old: FAIL expired
${good%_*}_0000000000000000000000000000000000000000: FAIL bad-signature
${good%_*}: FAIL malformed"
	run ppv-mint -c "${k[@]}" --now 1900000000 --path /live/ev1/a.ts <<< "${good#*\?}"
	assert_success
	run ppv-mint -f fastly -k "$T/fastly.key" --ip 203.0.113.7 -t 1h /x
	assert_failure 2
	assert_output "ppv-mint: --ip: Fastly tokens are not bound to an address"
}

@test "--genkey makes a key of each format's kind: gcdn 16 bytes base64url, fastly 32 bytes base64" {
	run ppv-mint --genkey -f gcdn
	assert_output --regexp '^[A-Za-z0-9_-]{22}==$'
	(umask 077; echo "k $output" > "$T/new.key")
	run ppv-mint -f gcdn -k "$T/new.key" -t 1h http://h/x
	assert_success
	run ppv-mint --genkey -f fastly
	assert_output --regexp '^[A-Za-z0-9+/]{43}=$'
	(umask 077; echo "$output" > "$T/new.key")
	run ppv-mint -f fastly -k "$T/new.key" -t 1h /x
	assert_success
}

@test "bunny: the published vectors of BunnyWay/BunnyCDN.TokenAuthentication (e2e/vectors.json) reproduce byte for byte" {
	(umask 077; echo SecurityKey > "$T/bunny.key")
	H=https://token-tester.b-cdn.net
	V6=2001:0db8:85a3:0000:0000:8a2e:0370:7334
	n=0
	while IFS='|' read -r name args path want; do
		[ -n "$name" ] || continue
		run ppv-mint -f bunny -k "$T/bunny.key" -e 1598024587 $args "$H$path"
		[ "$status" -eq 0 ] || fail "$name: exit $status: $output"
		[ "$output" = "$H$want" ] || fail "$name: got $output, want $H$want"
		n=$((n + 1))
	done <<-VECTORS
	plain||/300kb.jpg|/300kb.jpg?token=HS256-o10JRWlsAItyAsdKS6jJKjabHN4FrFsplDHPV1idcX4&expires=1598024587
	countries_only|--countries CA,US|/300kb.jpg|/300kb.jpg?token=HS256-i5s3Uv7mnrFfN5nznwU2BxhILpnipYeE18TapV0WNFM&token_countries=CA%2CUS&expires=1598024587
	blocked_only|--countries-blocked RU,CN|/300kb.jpg|/300kb.jpg?token=HS256-JS8dSuBSjSH-W2-xhdkCPC36-2rlxfDCQJjlNMPqKZQ&token_countries_blocked=RU%2CCN&expires=1598024587
	path_only|--prefix /abc|/abc/300kb.jpg|/abc/300kb.jpg?token=HS256-uVZvT3SbEoVKYJyDJgbcsDmSFf73cv-uNUVaJiKWpbQ&token_path=%2Fabc&expires=1598024587
	ignore_params|--ignore-params|/300kb.jpg|/300kb.jpg?token=HS256-1lwWBD_c1IAGSj1UKPoxreu8ePDQ-Z9FoWLcRn_RRH0&token_ignore_params=true&expires=1598024587
	limit_only|--speed-limit 1000|/300kb.jpg|/300kb.jpg?token=HS256-DAVapqNNED3Z7JkjRTYX0UOIHNtbHEuuhRNEc4A7mMQ&limit=1000&expires=1598024587
	ip_v4_only|--ip 1.2.3.4|/300kb.jpg|/300kb.jpg?token=HS256-1-L2rISTLcujMY9UFf2tbZ41d5i-Bme1g1oTK_Z2QMLJk&expires=1598024587
	ip_v6_only|--ip $V6|/300kb.jpg|/300kb.jpg?token=HS256-1-Z1BaGdhTZdU4iANcyKpurFR2VgCNdqC6hlBv5x_TyaI&expires=1598024587
	ip_v4_countries|--ip 1.2.3.4 --directory --countries CA,US|/abc/|/bcdn_token=HS256-1-4lIDGI2_t3wiTmopXzB7z71wtZKTe1Ic0lDlL72iAJw&token_countries=CA%2CUS&expires=1598024587/abc/
	ip_v6_countries|--ip $V6 --directory --countries CA,US|/abc/|/bcdn_token=HS256-1-LGpoP8i1bV4P1kN4NrO_iYxLJuLAD2R3Clstsy9kWAc&token_countries=CA%2CUS&expires=1598024587/abc/
	ip_v4_limit|--ip 1.2.3.4 --directory --speed-limit 5000|/abc/|/bcdn_token=HS256-1-X01Z6A9xAo1_ds1XFf9y8gAIzk_JpmoevOx7EtgMQhY&limit=5000&expires=1598024587/abc/
	ip_v4_path|--ip 1.2.3.4 --prefix /abc|/abc/300kb.jpg|/abc/300kb.jpg?token=HS256-1-wag9tC0r1QWfg-2eMj5QcdzgPLCIdQb-D0WVU1Mhg2w&token_path=%2Fabc&expires=1598024587
	ip_v4_ignore|--ip 1.2.3.4 --ignore-params|/300kb.jpg|/300kb.jpg?token=HS256-1-rWalmQRJ-A_qrb08-JoeU3b-gOS5mJiJjPOfDWa0gsQ&token_ignore_params=true&expires=1598024587
	ip_v4_blocked|--ip 1.2.3.4 --countries-blocked RU,CN|/300kb.jpg|/300kb.jpg?token=HS256-1-myF6Rnz7Z9VAfAjjkyUHJQ_6gr-AJ7VyPsG5rQdQKm8&token_countries_blocked=RU%2CCN&expires=1598024587
	ip_v6_blocked|--ip $V6 --countries-blocked RU,CN|/300kb.jpg|/300kb.jpg?token=HS256-1-XGkCf_JKNfOrpWAM_CIYjZBbVHbB4U1mxHg8pXJtBNc&token_countries_blocked=RU%2CCN&expires=1598024587
	VECTORS
	assert_equal "$n" 15
}

@test "bunny -c: query and directory forms, the address a token is bound to, a path outside its prefix, tampered and expired" {
	(umask 077; echo 6a1c3f0e-5b7d-4c3e-9a51-2f8e7d6c5b4a > "$T/bunny.key")
	k=(-f bunny -k "$T/bunny.key")
	q=$(ppv-mint "${k[@]}" -e 2000000000 -u https://cdn.b-cdn.net /live/ev1/index.m3u8)
	d=$(ppv-mint "${k[@]}" -e 2000000000 --directory --prefix /live/ev1/ https://cdn.b-cdn.net/live/ev1/index.m3u8)
	c=$(ppv-mint "${k[@]}" -e 2000000000 --countries CA,US 'https://cdn.b-cdn.net/live/a.ts?x=1')
	ip=$(ppv-mint "${k[@]}" -e 2000000000 --ip 2001:db8:1:2::7 https://cdn.b-cdn.net/a.ts)
	old=$(ppv-mint "${k[@]}" -e 1598024587 https://cdn.b-cdn.net/a.ts)
	[[ $d == https://cdn.b-cdn.net/bcdn_token=HS256-*'&token_path=%2Flive%2Fev1%2F&expires=2000000000/live/ev1/index.m3u8' ]] || fail "$d"
	# a directory token is the playlist's directory: its segments keep it
	run ppv-mint -c "${k[@]}" --now 1900000000 <<< "$q
$d
${d%index.m3u8}index_144p7.ts
$c"
	assert_success
	# the /64 of the address signed, wherever in it the phone is now
	run ppv-mint -c "${k[@]}" --now 1900000000 --ip 2001:db8:1:2:aaaa::1 <<< "$ip"
	assert_success
	run ppv-mint -c -q "${k[@]}" --now 1900000000 --ip 2001:db8:1:3::7 <<< "$ip
${q/ev1/ev2}
${d%/live/ev1/index.m3u8}/live/ev2/index.m3u8
${c/x=1/x=2}
$old"
	assert_failure 1
	assert_output "$ip: FAIL bad-signature
${q/ev1/ev2}: FAIL bad-signature
${d%/live/ev1/index.m3u8}/live/ev2/index.m3u8: FAIL acl-mismatch
${c/x=1/x=2}: FAIL bad-signature
$old: FAIL expired"
	run ppv-mint -c "${k[@]}" --now 1900000000 <<< "$ip"
	assert_failure 1
	assert_output "$ip: FAIL acl-mismatch"
	run ppv-mint -f bunny -k "$T/bunny.key" -t 1h --prefix live/ https://cdn.b-cdn.net/live/a.ts
	assert_failure 2
	run ppv-mint -f fastly -k "$T/fastly.key" -t 1h --directory /x
	assert_failure 2
	assert_output --partial "BunnyCDN's (-f bunny)"
}

# AWS's official signer (@aws-sdk/cloudfront-signer) on the same key and inputs
aws() {
	node "$JS/cloudfront-peer.js" "$@"
}

# the pair --genkey makes: the private key, and the public key for CloudFront's key group
cf_key() {
	ppv-mint --genkey -f cloudfront -o "$T/cf.pem"
	mv "$T/cf.pem.pub" "$T/cf.pub"
	assert_equal "$(stat -c %a "$T/cf.pem")" 600
	run openssl pkey -in "$T/cf.pem" -noout -text
	assert_line --partial 'Private-Key: (2048 bit'
}

@test "cloudfront: canned and custom policies, SHA-1 and SHA-256, URLs and cookies, byte for byte with AWS's signer" {
	cf_key
	U=https://d111111abcdef8.cloudfront.net/live/ev1/index.m3u8
	m=(ppv-mint -f cloudfront -k "$T/cf.pem" --key-pair-id K2JCJMDEHXQW5F -e 2000000000)
	n=0
	while IFS='|' read -r start ip hash; do
		run "${m[@]}" ${start:+-s $start} ${ip:+--ip $ip} ${hash:+--hash sha256} "$U"
		assert_success
		assert_equal "$output" "$(aws url "$T/cf.pem" K2JCJMDEHXQW5F "$U" 2000000000 "$start" "$ip" "${hash:+SHA256}")"
		n=$((n + 1))
	done <<-CASES
	||
	1800000000||
	|203.0.113.0/24|
	|203.0.113.7|
	||sha256
	1800000000|198.51.100.0/24|sha256
	CASES
	assert_equal "$n" 6
	# a wildcard resource: one URL's signature for a whole event
	run "${m[@]}" -a 'https://d111111abcdef8.cloudfront.net/live/ev1/*' "$U"
	assert_equal "$output" "$(aws url "$T/cf.pem" K2JCJMDEHXQW5F "$U" 2000000000 '' '' '' 'https://d111111abcdef8.cloudfront.net/live/ev1/*')"
	# the URL's own query is signed with it
	run "${m[@]}" "$U?viewer=fan-1"
	assert_equal "$output" "$(aws url "$T/cf.pem" K2JCJMDEHXQW5F "$U?viewer=fan-1" 2000000000)"
	# cookies, a Set-Cookie line each
	run "${m[@]}" -s 1800000000 --cookies "$U"
	assert_equal "$(sed 's/^Set-Cookie: //; s/; Path=\/; Secure; HttpOnly$//' <<< "$output")" \
		"$(aws cookies "$T/cf.pem" K2JCJMDEHXQW5F "$U" 2000000000 1800000000)"
	# -u and a path make the same URL
	run ppv-mint -f cloudfront -k "$T/cf.pem" --key-pair-id K2JCJMDEHXQW5F -e 2000000000 \
		-u https://d111111abcdef8.cloudfront.net /live/ev1/index.m3u8
	assert_equal "$output" "$(aws url "$T/cf.pem" K2JCJMDEHXQW5F "$U" 2000000000)"
}

@test "cloudfront -c with the public key: good, tampered, expired, not yet valid, outside the resource or the address range" {
	cf_key
	U=https://d111111abcdef8.cloudfront.net/live/ev1/index.m3u8
	m=(ppv-mint -f cloudfront -k "$T/cf.pem" --key-pair-id K2 -e 2000000000)
	canned=$("${m[@]}" "$U")
	event=$("${m[@]}" -a 'https://d111111abcdef8.cloudfront.net/live/ev1/*' "$U")
	net=$("${m[@]}" --ip 203.0.113.0/24 "$U")
	sha=$("${m[@]}" --hash sha256 "$U?x=1")
	aws_url=$(aws url "$T/cf.pem" K2 "$U" 2000000000 1800000000)
	run ppv-mint -c -f cloudfront -k "$T/cf.pub" --now 1900000000 --ip 203.0.113.9 <<< "$canned
$event
${event/index.m3u8/index_144p3.ts}
$net
$sha
$aws_url"
	assert_success
	run ppv-mint -c -q -f cloudfront -k "$T/cf.pub" --key-pair-id K2 --now 1900000000 --ip 198.51.100.1 <<< "${canned/ev1/ev2}
$(ppv-mint -f cloudfront -k "$T/cf.pem" --key-pair-id K2 -e 1800000000 "$U")
$("${m[@]}" -s 1950000000 "$U")
${event/live\/ev1/live/ev2}
$net
${canned/Key-Pair-Id=K2/Key-Pair-Id=K9}
${canned%&Signature=*}"
	assert_failure 1
	assert_equal "$(sed 's/.*: FAIL //' <<< "$output" | paste -sd' ')" \
		"bad-signature expired not-yet-valid acl-mismatch acl-mismatch unknown-key malformed"
	# a private key others may read is refused; a public one cannot sign
	run ppv-mint -f cloudfront -k "$T/cf.pub" --key-pair-id K2 -t 1h "$U"
	assert_failure 2
	assert_output --partial "minting needs the private key"
	run ppv-mint -f cloudfront -k "$T/cf.pem" -t 1h "$U"
	assert_failure 2
	assert_output --partial "--key-pair-id"
	run ppv-mint -f cloudfront -k "$T/cf.pem" --key-pair-id K2 --ip 2001:db8::1 -t 1h "$U"
	assert_failure 2
	assert_output "ppv-mint: --ip: CloudFront takes an IPv4 address or CIDR range, not '2001:db8::1'"
}

@test "cloudfront with an ECDSA P-256 key: a DER signature over the policy that openssl verifies; pyca/cryptography's pass -c" {
	openssl ecparam -name prime256v1 -genkey -noout -out "$T/ec.pem"
	chmod 600 "$T/ec.pem"
	openssl ec -in "$T/ec.pem" -pubout -out "$T/ec.pub" 2>/dev/null
	U=https://d111111abcdef8.cloudfront.net/live/ev1/index.m3u8
	policy="{\"Statement\":[{\"Resource\":\"$U\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":2000000000}}}]}"
	printf '%s' "$policy" > "$T/policy"
	for h in sha1 sha256; do
		url=$(ppv-mint -f cloudfront -k "$T/ec.pem" --key-pair-id K2 --hash $h -e 2000000000 "$U")
		sig=${url#*Signature=}; sig=${sig%%&*}
		printf '%s' "$sig" | tr -- '-_~' '+=/' | base64 -d > "$T/sig"
		run openssl dgst -$h -verify "$T/ec.pub" -signature "$T/sig" "$T/policy"
		assert_output "Verified OK"
		run ppv-mint -c -f cloudfront -k "$T/ec.pub" --now 1900000000 <<< "$url"
		assert_success
	done
	theirs=$($PY - "$T/ec.pem" "$policy" <<-'PY'
	import base64, sys
	from cryptography.hazmat.primitives import hashes, serialization
	from cryptography.hazmat.primitives.asymmetric import ec
	key = serialization.load_pem_private_key(open(sys.argv[1], "rb").read(), None)
	sig = key.sign(sys.argv[2].encode(), ec.ECDSA(hashes.SHA1()))
	print(base64.b64encode(sig).decode().translate(str.maketrans("+=/", "-_~")))
	PY
	)
	good="$U?Expires=2000000000&Key-Pair-Id=K2&Signature=$theirs"
	run ppv-mint -c -f cloudfront -k "$T/ec.pub" --now 1900000000 <<< "$good
${good/Expires=2000000000/Expires=2000000001}"
	assert_failure 1
	assert_equal "$(sed 's/.*: //' <<< "$output" | paste -sd' ')" "OK FAIL bad-signature"
	# an EC key on another curve is refused
	openssl ecparam -name secp384r1 -genkey -noout -out "$T/p384.pem"
	chmod 600 "$T/p384.pem"
	run ppv-mint -f cloudfront -k "$T/p384.pem" --key-pair-id K2 -t 1h "$U"
	assert_failure 2
	assert_output --partial "an RSA or an EC P-256 key is needed"
}
