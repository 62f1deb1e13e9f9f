#!/usr/bin/env bats
# The shell completions offer exactly the options each binary accepts.

load helpers

# long options as --help lists them
help_opts() {
	"$1" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u
}

@test "bash completion of ppv-mint offers every long option in --help, and no other" {
	source "$BATS_TEST_DIRNAME/../completions/ppv.bash"
	COMP_WORDS=(ppv-mint --); COMP_CWORD=1
	_ppv_mint
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort -u)
	assert_equal "$got" "$(help_opts ppv-mint)"
}

@test "bash completion of ppv-mint completes formats after -f" {
	source "$BATS_TEST_DIRNAME/../completions/ppv.bash"
	COMP_WORDS=(ppv-mint -f j); COMP_CWORD=2
	_ppv_mint
	assert_equal "${COMPREPLY[*]}" "jwt"
}

@test "zsh completion of ppv-mint names every long option in --help" {
	got=$(grep -oE -- '--[a-z][a-z-]*' "$BATS_TEST_DIRNAME/../completions/_ppv" | sort -u)
	assert_equal "$got" "$(help_opts ppv-mint)"
}

@test "every option in --help is documented in the man page" {
	for o in $(help_opts ppv-mint); do
		grep -q -- "Fl -${o#--}" "$BATS_TEST_DIRNAME/../man/ppv-mint.1" || fail "$o missing from ppv-mint.1"
	done
}
