#!/usr/bin/env bats
# PyJWT (Debian's python3-jwt) and ppv-mint agree on HS256 tokens, both ways.

load helpers

per_test() {
	$PY -c 'import jwt' 2>/dev/null || fail "python3-jwt is not installed"
}

pyjwt() {
	$PY - "$@" <<-'PY'
	import jwt, sys, time
	key = bytes.fromhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
	op, tok = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else ""
	if op == "decode":
	    c = jwt.decode(tok, key, algorithms=["HS256"], audience="ppv")
	    h = jwt.get_unverified_header(tok)
	    print(h["kid"], c["sub"], c["aud"], ",".join(c["acl"]), c["exp"] - c["iat"])
	elif op == "encode":
	    now = int(time.time())
	    print(jwt.encode({"sub": "fan-9", "acl": ["/live/ev1/*"], "iat": now, "exp": now + 600},
	                     key, algorithm="HS256", headers={"kid": "k1"}))
	PY
}

@test "PyJWT verifies an HS256 token ppv-mint minted, with its claims and kid" {
	tok=$(ppv-mint -f jwt -k "$T/jwt.key" -t 1h --sub fan-1 --aud ppv -a '/live/ev1/*')
	run pyjwt decode "$tok"
	assert_success
	assert_output "k1 fan-1 ppv /live/ev1/* 3600"
}

@test "PyJWT rejects a tampered token" {
	tok=$(ppv-mint -f jwt -k "$T/jwt.key" -t 1h --sub fan-1 --aud ppv -a '/live/ev1/*')
	payload=$(cut -d. -f2 <<<"$tok" | tr '_-' '/+')
	forged=$($PY -c "
import base64, json, sys
p = '$payload'; p += '=' * (-len(p) % 4)
c = json.loads(base64.b64decode(p)); c['acl'] = ['/*']
print(base64.urlsafe_b64encode(json.dumps(c).encode()).decode().rstrip('='))")
	run pyjwt decode "$(cut -d. -f1 <<<"$tok").$forged.$(cut -d. -f3 <<<"$tok")"
	assert_failure
	assert_output --partial "Signature verification failed"
}

@test "a token PyJWT minted passes ppv-mint -c, on the right path only" {
	tok=$(pyjwt encode)
	run ppv-mint -c -f jwt -k "$T/jwt.key" --path /live/ev1/index.m3u8 <<<"$tok"
	assert_success
	assert_output "$tok: OK"
	run ppv-mint -c -f jwt -k "$T/jwt.key" --path /live/ev2/index.m3u8 <<<"$tok"
	assert_failure 1
	assert_output "$tok: FAIL acl-mismatch"
}

@test "JWT check covers expiry, nbf, audience and alg none" {
	tok=$(ppv-mint -f jwt -k "$T/jwt.key" --now 1700000000 -s 1700000100 -t 1h --aud ppv --sub x -a '/*')
	chk() { ppv-mint -c -f jwt -k "$T/jwt.key" "$@" <<<"$tok"; }
	run chk --now 1700000200; assert_output "$tok: OK"
	run chk --now 1700000050; assert_output "$tok: FAIL not-yet-valid"
	run chk --now 1700003700; assert_output "$tok: FAIL expired"
	run chk --now 1700000200 --aud other; assert_output "$tok: FAIL acl-mismatch"
	none="eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.$(cut -d. -f2 <<<"$tok")."
	run ppv-mint -c -f jwt -k "$T/jwt.key" --now 1700000200 <<<"$none"
	assert_output "$none: FAIL malformed"
}

@test "a signed URL carries the JWT in ?token= and checks against its own path" {
	url=$(ppv-mint -f jwt -k "$T/jwt.key" -t 1h --sub fan -u https://cdn.example /live/ev1/index.m3u8)
	[[ $url == https://cdn.example/live/ev1/index.m3u8?token=ey* ]]
	run ppv-mint -c -f jwt -k "$T/jwt.key" <<<"$url"
	assert_success
	run ppv-mint -c -f jwt -k "$T/jwt.key" <<<"${url/ev1/ev2}"
	assert_output "${url/ev1/ev2}: FAIL acl-mismatch"
}

@test "a JWT grants only what it names: none minted without a scope, and one without acl opens no path" {
	run ppv-mint -f jwt -k "$T/jwt.key" -t 1h --sub fan
	assert_failure 2
	assert_output "ppv-mint: jwt needs a PATH (URL token) or -a ACL; -a '/*' for every path; --no-acl when --sub names the resource"
	# PyJWT mints one with no acl at all: it passes where no path is asked, and nowhere else
	tok=$($PY -c 'import jwt, time
print(jwt.encode({"sub": "x", "exp": int(time.time()) + 600}, bytes.fromhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), algorithm="HS256", headers={"kid": "k1"}))')
	run ppv-mint -c -f jwt -k "$T/jwt.key" <<<"$tok"
	assert_success
	run ppv-mint -c -f jwt -k "$T/jwt.key" --path /live/ev1/index.m3u8 <<<"$tok"
	assert_failure 1
	assert_output "$tok: FAIL acl-mismatch"
	# -a '/*' says all-access on purpose
	tok=$(ppv-mint -f jwt -k "$T/jwt.key" -t 1h --sub fan -a '/*')
	run ppv-mint -c -f jwt -k "$T/jwt.key" --path /live/ev1/index.m3u8 <<<"$tok"
	assert_success
}

@test "a signature in the standard base64 alphabet is malformed: one token, one spelling" {
	# minted until the signature has a - or _ to respell as + or /
	for i in $(seq 200); do
		tok=$(ppv-mint -f jwt -k "$T/jwt.key" -t 1h --sub "s$i" -a '/x/*')
		case ${tok##*.} in *[-_]*) break ;; esac
	done
	std="${tok%.*}.$(tr -- '-_' '+/' <<<"${tok##*.}")"
	assert_not_equal "$std" "$tok"
	run ppv-mint -c -f jwt -k "$T/jwt.key" --path /x/a <<<"$std"
	assert_failure 1
	assert_output "$std: FAIL malformed"
	run ppv-mint -c -f jwt -k "$T/jwt.key" --path /x/a <<<"$tok"
	assert_success
}

# RS256 and ES256: a key pair each, from ppv-mint --genkey -o
pairs() {
	# a umask that would leave a key readable: the private key is owner-only all the same
	(cd "$T" && umask 022 && ppv-mint --genkey -f jwt --alg RS256 -o rs.pem && ppv-mint --genkey -f jwt --alg ES256 -o es.pem)
}

@test "--genkey --alg RS256|ES256 -o: the private key owner-only, the public key beside it" {
	pairs
	assert_equal "$(stat -c %a "$T/rs.pem") $(stat -c %a "$T/es.pem.pub")" "600 644"
	run openssl pkey -in "$T/rs.pem" -noout -text
	assert_line --partial 'Private-Key: (2048 bit'
	run openssl pkey -pubin -in "$T/es.pem.pub" -noout -text
	assert_line --partial 'NIST CURVE: P-256'
}

@test "RS256 and ES256: PyJWT, jose and jsonwebtoken verify ppv-mint's tokens, and theirs pass ppv-mint -c" {
	pairs
	for alg in RS256 ES256; do
		k=$T/$(echo "${alg:0:2}" | tr A-Z a-z).pem
		tok=$(ppv-mint -f jwt --alg $alg --kid k1 -k "$k" -e 2000000000 --sub fan-1 -a '/live/ev1/*')
		assert_equal "$($PY -c 'import jwt, sys; print(jwt.get_unverified_header(sys.argv[1]))' "$tok")" \
			"{'alg': '$alg', 'typ': 'JWT', 'kid': 'k1'}"
		run $PY -c 'import jwt, sys; c = jwt.decode(sys.argv[1], open(sys.argv[2]).read(), algorithms=[sys.argv[3]]); print(c["sub"], c["acl"], c["exp"])' "$tok" "$k.pub" $alg
		assert_output "fan-1 ['/live/ev1/*'] 2000000000"
		for lib in jose jsonwebtoken; do
			run node "$JS/jwt-peer.js" verify $lib $alg "$k.pub" "$tok"
			assert_success
			assert_output --partial '"sub":"fan-1"'
			theirs=$(node "$JS/jwt-peer.js" sign $lib $alg "$k" k1 '{"sub":"fan-2","exp":2000000000,"acl":["/live/ev1/*"]}')
			run ppv-mint -c -f jwt --alg $alg --kid k1 -k "$k.pub" --now 1900000000 --path /live/ev1/index.m3u8 <<< "$theirs"
			assert_success
		done
		theirs=$($PY -c 'import jwt, sys; print(jwt.encode({"sub": "fan-3", "exp": 2000000000, "acl": ["/live/*"]}, open(sys.argv[1]).read(), algorithm=sys.argv[2]))' "$k" $alg)
		run ppv-mint -c -f jwt --alg $alg -k "$k.pub" --now 1900000000 --path /live/ev1/a.ts <<< "$theirs"
		assert_success
	done
}

@test "RS256 and ES256 -c: tampered, expired, not yet valid, another key, and the algorithm swaps that must never verify" {
	pairs
	for alg in RS256 ES256; do
		k=$T/$(echo "${alg:0:2}" | tr A-Z a-z).pem
		other=$T/other.pem
		rm -f "$other" "$other.pub"
		ppv-mint --genkey -f jwt --alg $alg -o "$other"
		m=(ppv-mint -f jwt --alg $alg -k "$k" --sub fan -a '/live/*')
		c=(ppv-mint -c -q -f jwt --alg $alg -k "$k.pub" --now 1900000000)
		good=$("${m[@]}" -e 2000000000)
		run "${c[@]}" <<< "$good"
		assert_success
		h=${good%%.*}; rest=${good#*.}; body=${rest%%.*}; sig=${rest#*.}
		forged_body=$($PY -c 'import base64, json, sys
b = sys.argv[1] + "=" * (-len(sys.argv[1]) % 4)
c = json.loads(base64.urlsafe_b64decode(b)); c["sub"] = "mallory"
print(base64.urlsafe_b64encode(json.dumps(c, separators=(",", ":")).encode()).decode().rstrip("="))' "$body")
		# HS256 with the public key as the HMAC secret: the classic swap
		hs=$($PY -c 'import base64, hashlib, hmac, sys
h = base64.urlsafe_b64encode(b"{\"alg\":\"HS256\",\"typ\":\"JWT\"}").decode().rstrip("=")
m = h + "." + sys.argv[1]
s = hmac.new(open(sys.argv[2], "rb").read(), m.encode(), hashlib.sha256).digest()
print(m + "." + base64.urlsafe_b64encode(s).decode().rstrip("="))' "$body" "$k.pub")
		none=$($PY -c 'import base64, sys; print(base64.urlsafe_b64encode(b"{\"alg\":\"none\"}").decode().rstrip("=") + "." + sys.argv[1] + ".")' "$body")
		run "${c[@]}" <<< "$h.$forged_body.$sig
$("${m[@]}" -e 1800000000)
$("${m[@]}" -s 1950000000 -e 2000000000)
$(ppv-mint -f jwt --alg $alg -k "$other" --sub fan -a '/live/*' -e 2000000000)
$hs
$none"
		assert_failure 1
		assert_equal "$(sed 's/.*: FAIL //' <<< "$output" | paste -sd' ')" \
			"bad-signature expired not-yet-valid bad-signature malformed malformed"
	done
	# a public key checks; it cannot mint
	run ppv-mint -f jwt --alg ES256 -k "$T/es.pem.pub" -t 1h -a '/*'
	assert_failure 2
	assert_output --partial "minting needs the private key"
	# the key the algorithm names, nothing else
	run ppv-mint -f jwt --alg ES256 -k "$T/rs.pem" -t 1h -a '/*'
	assert_failure 2
	assert_output --partial "ES256 needs an EC P-256 key"
	chmod 644 "$T/rs.pem"
	run ppv-mint -f jwt --alg RS256 -k "$T/rs.pem" -t 1h -a '/*'
	assert_failure 2
	assert_output --partial "accessible by group or others"
}

@test "Mux- and Cloudflare-Stream-style tokens: the claims as asked, no iat, no acl; jose verifies them and -c checks the audience" {
	pairs
	# Mux: the playback id in sub, aud v (video), the signing key's id in the header, no iat
	mux=$(ppv-mint -f jwt --alg RS256 -k "$T/rs.pem" --kid MUXKEY --sub PLAYBACKID --aud v --no-iat --no-acl -e 2000000000)
	run node "$JS/jwt-peer.js" verify jose RS256 "$T/rs.pem.pub" "$mux"
	assert_success
	assert_output '{"sub":"PLAYBACKID","aud":"v","exp":2000000000}'
	assert_equal "$($PY -c 'import jwt, sys; print(jwt.get_unverified_header(sys.argv[1])["kid"])' "$mux")" MUXKEY
	run ppv-mint -c -f jwt --alg RS256 -k "$T/rs.pem.pub" --aud v --now 1900000000 <<< "$mux"
	assert_success
	run ppv-mint -c -f jwt --alg RS256 -k "$T/rs.pem.pub" --aud t --now 1900000000 <<< "$mux"
	assert_failure 1
	assert_output --partial 'FAIL acl-mismatch'
	# a token without acl opens no path of ours
	run ppv-mint -c -f jwt --alg RS256 -k "$T/rs.pem.pub" --path /live/a.ts --now 1900000000 <<< "$mux"
	assert_failure 1
	# Cloudflare Stream: the key id in the payload too, and access rules
	rules='[{"type":"ip.geoip.country","action":"allow","country":["GB","IE"]},{"type":"any","action":"block"}]'
	cf=$(ppv-mint -f jwt --alg RS256 -k "$T/rs.pem" --kid CFKEY --sub VIDEOUID --claim kid='"CFKEY"' \
		--claim accessRules="$rules" --claim downloadable=false --no-iat --no-acl -e 2000000000)
	run node "$JS/jwt-peer.js" verify jsonwebtoken RS256 "$T/rs.pem.pub" "$cf"
	assert_success
	assert_output "{\"sub\":\"VIDEOUID\",\"kid\":\"CFKEY\",\"accessRules\":$rules,\"downloadable\":false,\"exp\":2000000000}"
}

@test "--claim, --no-iat and --no-acl refuse what would make an ambiguous or unscoped token" {
	pairs
	m=(ppv-mint -f jwt --alg RS256 -k "$T/rs.pem" --sub s --no-acl -t 1h)
	run "${m[@]}" --claim exp=1
	assert_failure 2
	assert_output "ppv-mint: --claim: 'exp' is a claim ppv-mint writes itself (see --help)"
	run "${m[@]}" --claim 'x=1,"exp":9'
	assert_failure 2
	assert_output --partial "the value of 'x' is not one JSON value"
	run "${m[@]}" --claim x=unquoted
	assert_failure 2
	run "${m[@]}" --claim x=1 --claim x=2
	assert_failure 2
	assert_output "ppv-mint: --claim: 'x' given twice"
	run "${m[@]}" --claim =1
	assert_failure 2
	run ppv-mint -f jwt --alg RS256 -k "$T/rs.pem" -t 1h --no-acl
	assert_failure 2
	assert_output --partial "--no-acl: the token names its resource in --sub"
	run ppv-mint -f jwt --alg RS256 -k "$T/rs.pem" -t 1h --sub s --no-acl /live/a.ts
	assert_failure 2
	run ppv-mint -f jwt --alg RS256 -k "$T/rs.pem" -t 1h --sub s
	assert_failure 2
	assert_output --partial "--no-acl when --sub names the resource"
	run ppv-mint -f nginx -k "$T/rs.pem" -t 1h --no-iat /x
	assert_failure 2
	assert_output "ppv-mint: --no-iat: jwt only (-f jwt)"
}
