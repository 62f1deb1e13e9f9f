#!/usr/bin/env bats
# The build itself: install layout, and the dependency step for non-root users.

load helpers

ROOT=$BATS_TEST_DIRNAME/..

@test "make install honours PREFIX and DESTDIR and installs binaries, man pages, completions" {
	run make -C "$ROOT" -s install PREFIX=/usr DESTDIR="$T/pkg"
	assert_success
	[ -x "$T/pkg/usr/bin/ppv-mint" ]
	[ -f "$T/pkg/usr/share/man/man1/ppv-mint.1" ]
	[ -f "$T/pkg/usr/share/man/man7/ppv.7" ]
	[ -f "$T/pkg/usr/share/bash-completion/completions/ppv-mint" ]
	[ -f "$T/pkg/usr/share/zsh/vendor-completions/_ppv" ]
	run "$T/pkg/usr/bin/ppv-mint" --version
	assert_success
}

@test "a user who is not root is told the exact apt-get line and the step stops" {
	mkdir "$T/shim"
	# every package looks missing; id says we are not root
	printf '#!/bin/sh\nexit 1\n' > "$T/shim/dpkg-query"
	printf '#!/bin/sh\necho 1000\n' > "$T/shim/id"
	chmod +x "$T/shim/dpkg-query" "$T/shim/id"
	PATH="$T/shim:$PATH" run "$ROOT/mk/deps" build
	assert_failure 1
	assert_line "mk/deps: missing Debian packages. Run:"
	assert_line --regexp '^  sudo apt-get install -y build-essential pkg-config .*libssl-dev$'
}

@test "plain make installs nothing, even as root: it names what is missing and stops" {
	mkdir "$T/shim"
	printf '#!/bin/sh\nexit 1\n' > "$T/shim/dpkg-query"
	printf '#!/bin/sh\necho 0\n' > "$T/shim/id"
	printf '#!/bin/sh\necho "apt-get $*" >> "%s/ran"\n' "$T" > "$T/shim/apt-get"
	chmod +x "$T/shim/dpkg-query" "$T/shim/id" "$T/shim/apt-get"
	PATH="$T/shim:$PATH" run "$ROOT/mk/deps" --no-install build
	assert_failure 1
	assert_line '  apt-get install -y build-essential pkg-config libavformat-dev libavcodec-dev libavfilter-dev libswscale-dev libavutil-dev libcsv-dev libpcre2-dev zlib1g-dev libssl-dev'
	assert_line '  (or: make deps)'
	[ ! -e "$T/ran" ]
	# the Makefile asks for that for `make` alone, and installs for the README's targets
	run make -C "$ROOT" -s -n -B build/config.mk
	assert_line 'mk/deps --no-install build'
	run make -C "$ROOT" -s -n -B build/config.mk demo
	assert_line 'mk/deps build'
}

@test "warnings are errors in make check's builds, not in a user's make" {
	run make -C "$ROOT" -n -B V=1 build/default/lib/money.o
	assert_success
	refute_output --partial -- '-Werror'
	run make -C "$ROOT" -n -B V=1 WERROR=-Werror build/default/lib/money.o
	assert_output --partial -- '-Werror'
	grep -q 'WERROR=-Werror all build/asan/unit-tests' "$ROOT/Makefile"
}

@test "lib/ keeps to the layers its README gives: no include upward, no cycle, no file left out" {
	run $PY "$ROOT/tests/lib/layers.py" "$ROOT"
	assert_success
	assert_output ''
	# and it says so when one is broken
	mkdir -p "$T/top"
	cp -r "$ROOT/lib" "$T/top/"
	echo '#include "earn.h"' >> "$T/top/lib/money.c"
	echo '#include "scte35.h"' >> "$T/top/lib/ts.c"
	touch "$T/top/lib/stray.c"
	run $PY "$ROOT/tests/lib/layers.py" "$T/top"
	assert_failure 1
	assert_line --regexp '^lib/money.c:[0-9]+: a core file includes earn.h, of engines above it$'
	assert_line 'lib/scte35: its includes come back to it (a cycle)'
	assert_line "lib/stray.c: not in lib/README's layers"
}

@test "no file of lib/ is over 1,000 lines: a bigger one is split along its own sections" {
	run awk 'FNR == 1001 { print FILENAME }' "$ROOT"/lib/*.c "$ROOT"/lib/*.h
	assert_success
	assert_output ''
}
