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
	assert_output "ppv-mint: jwt needs a PATH (URL token) or -a ACL; -a '/*' for every path"
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
