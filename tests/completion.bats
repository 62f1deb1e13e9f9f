#!/usr/bin/env bats
# The shell completions offer exactly the options each binary accepts.

load helpers

ROOT=$BATS_TEST_DIRNAME/..
PROGS="ppv-earnings ppv-mint ppv-ingest ppv-segment ppv-splice ppv-transcode"

# the modes a binary has (- for none)
modes() {
	case $1 in
	ppv-splice) echo "decode encode inject stitch" ;;
	*) echo - ;;
	esac
}

# long options as --help lists them
help_opts() {
	"$1" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u
}

@test "completions/ is what the binaries' option tables make, and zsh can read it" {
	mkdir "$T/c"
	"$ROOT/mk/completions" "$PPV_BIN" "$T/c" $(sed -n 's/^PROGS = //p' "$ROOT/Makefile")
	run diff -u "$ROOT/completions/ppv.bash" "$T/c/ppv.bash"
	assert_success
	run diff -u "$ROOT/completions/_ppv" "$T/c/_ppv"
	assert_success
	run zsh -n "$ROOT/completions/_ppv"
	assert_success
	run bash -n "$ROOT/completions/ppv.bash"
	assert_success
}

@test "bash completion offers every long option in --help, and no other, for every binary" {
	source "$ROOT/completions/ppv.bash"
	for p in $PROGS; do
		got=$(for mode in $(modes "$p"); do
			if [ "$mode" != - ]; then COMP_WORDS=("$p" "$mode" --); COMP_CWORD=2
			else COMP_WORDS=("$p" --); COMP_CWORD=1; fi
			"_${p//-/_}"
			printf '%s\n' "${COMPREPLY[@]}"
		done | grep -- '^--' | sort -u)
		assert_equal "$got" "$(help_opts "$p")"
	done
}

@test "bash completion of ppv-splice offers the modes, then each mode's options" {
	source "$ROOT/completions/ppv.bash"
	COMP_WORDS=(ppv-splice st); COMP_CWORD=1
	_ppv_splice
	assert_equal "${COMPREPLY[*]}" "stitch"
	COMP_WORDS=(ppv-splice inject --p); COMP_CWORD=2
	_ppv_splice
	assert_equal "${COMPREPLY[*]}" "--preroll --pid"
}

@test "bash completion of ppv-mint completes formats after -f" {
	source "$ROOT/completions/ppv.bash"
	COMP_WORDS=(ppv-mint -f j); COMP_CWORD=2
	_ppv_mint
	assert_equal "${COMPREPLY[*]}" "jwt"
}

@test "bash completion of ppv-ingest: a command after --exec, a directory after --record" {
	source "$ROOT/completions/ppv.bash"
	mkdir "$T/recordings"
	touch "$T/recordings.txt"
	COMP_WORDS=(ppv-ingest --exec ppv-segm); COMP_CWORD=2
	_ppv_ingest
	# one for each directory of $PATH that has it; readline shows it once
	assert_equal "$(printf '%s\n' "${COMPREPLY[@]}" | sort -u)" "ppv-segment"
	COMP_WORDS=(ppv-ingest --record "$T/rec"); COMP_CWORD=2
	_ppv_ingest
	assert_equal "${COMPREPLY[*]}" "$T/recordings"
}

@test "zsh completion names every long option in --help for every binary" {
	for p in $PROGS; do
		got=$(sed -n "/^_$p() {/,/^}/p" "$ROOT/completions/_ppv" | grep -oE -- '--[a-z][a-z-]*' | sort -u)
		[ "$p" != ppv-splice ] || got=$(printf '%s\n' $got --help --version | sort -u)
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
