# helpers.bash: shared setup for the Bats suite: the binaries under test, a
# scratch directory, and key files with the permissions ppv insists on.
bats_load_library bats-support 2>/dev/null || load /usr/lib/bats/bats-support/load.bash
bats_load_library bats-assert 2>/dev/null || load /usr/lib/bats/bats-assert/load.bash

: "${PPV_BIN:=$BATS_TEST_DIRNAME/../bin}"
PATH="$PPV_BIN:$PATH"
DATA="$BATS_TEST_DIRNAME/data"
# Debian's python3, where python3-jwt lives, even when another python3 is first on PATH
PY=/usr/bin/python3

setup() {
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ppv-test.XXXXXX")
	umask 077
	# the Akamai reference libraries' test key
	echo 7a5c2be9f42a1f32cd889d1cf775f05d0cd162bd2871d00fe705ab28c9bba5a5 > "$T/akamai.key"
	printf 'k1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n' > "$T/jwt.key"
	echo 's3cr3t' > "$T/nginx.key"
	umask 022
}

teardown() {
	rm -rf "$T"
}

# A TCP port nobody listens on, for servers a test starts on 127.0.0.1.
free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
