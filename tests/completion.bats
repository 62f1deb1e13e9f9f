#!/usr/bin/env bats
# The shell completions offer exactly the options each binary accepts.

load helpers

ROOT=$BATS_TEST_DIRNAME/..
PROGS="ppv-mint ppv-ingest"

# long options as --help lists them
help_opts() {
	"$1" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u
}

@test "bash completion offers every long option in --help, and no other, for every binary" {
	source "$ROOT/completions/ppv.bash"
	for p in $PROGS; do
		COMP_WORDS=("$p" --); COMP_CWORD=1
		"_${p//-/_}"
		got=$(printf '%s\n' "${COMPREPLY[@]}" | grep -- '^--' | sort -u)
		assert_equal "$got" "$(help_opts "$p")"
	done
}

@test "bash completion of ppv-mint completes formats after -f" {
	source "$ROOT/completions/ppv.bash"
	COMP_WORDS=(ppv-mint -f j); COMP_CWORD=2
	_ppv_mint
	assert_equal "${COMPREPLY[*]}" "jwt"
}

@test "zsh completion names every long option in --help for every binary" {
	for p in $PROGS; do
		got=$(sed -n "/^_$p() {/,/^}/p" "$ROOT/completions/_ppv" | grep -oE -- '--[a-z][a-z-]*' | sort -u)
		assert_equal "$got" "$(help_opts "$p")"
	done
}

@test "every option in --help is documented in the man page" {
	for p in $PROGS; do
		for o in $(help_opts "$p"); do
			grep -q -- "Fl -${o#--}" "$ROOT/man/$p.1" || fail "$o missing from $p.1"
		done
	done
}
