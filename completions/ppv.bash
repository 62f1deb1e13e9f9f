# bash completion for the ppv toolkit: one function per binary.
# shellcheck shell=bash

_ppv_mint() {
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	-f|--format) COMPREPLY=($(compgen -W 'nginx akamai jwt' -- "$cur")); return ;;
	--algo) COMPREPLY=($(compgen -W 'sha256 sha1 md5' -- "$cur")); return ;;
	-k|--key|-o|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	-e|--expires|-t|--ttl|-s|--start|-a|--acl|--ip|--id|--data|--sub|--aud|--salt|\
	--nginx-expr|--token-name|-u|--base-url|--now|--path|--leeway) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '-f --format -k --key -e --expires -t --ttl -s --start
			-a --acl --ip --id --data --sub --aud --algo --salt --nginx-expr
			--escape-early --token-name -u --base-url --batch --now -o --output
			-c --check --path --leeway -q --quiet -v --verbose --genkey
			-h --help --version' -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _ppv_mint ppv-mint
