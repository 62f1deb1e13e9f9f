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
	--nginx-expr|--token-name|--token-path|-u|--base-url|--now|--path|--leeway) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '-f --format -k --key -e --expires -t --ttl -s --start
			-a --acl --ip --id --data --sub --aud --algo --salt --nginx-expr
			--escape-early --token-name --token-path -u --base-url --batch --now -o --output
			-c --check --path --leeway -q --quiet -v --verbose --genkey
			-h --help --version' -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _ppv_mint ppv-mint

_ppv_ingest() {
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	-o|--output|--stats|-k|--key|-K|--keys) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--size) COMPREPLY=($(compgen -W '640x360 1280x720 1920x1080' -- "$cur")); return ;;
	--rate) COMPREPLY=($(compgen -W '25 30 50 60' -- "$cur")); return ;;
	-l|--listen|--app|--grace|--timeout|--max-duration|--duration) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '-o --output --stats --max-duration -k --key -l --listen
			-K --keys --app --grace --timeout --test-source --duration --size --rate
			-q --quiet -v --verbose -h --help --version' -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _ppv_ingest ppv-ingest

_ppv_splice() {
	local cur prev mode
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W 'decode encode inject stitch -h --help --version' -- "$cur"))
		return
	fi
	mode=${COMP_WORDS[1]}
	case $prev in
	-i|--input|-o|--output|--schedule|--ad|--ads|--slate|--impressions|--state)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--type) COMPREPLY=($(compgen -W '0x22 0x30 0x32 0x34 0x36 0x10 0x11' -- "$cur")); return ;;
	--upid) COMPREPLY=($(compgen -W 'ti: adi: uri: mid: eidr: uuid: adid: isan: user:' -- "$cur")); return ;;
	--event-id|--pts|--duration|--at|--preroll|--pid|--viewer|--meta|--now|-j|--jobs) return ;;
	esac
	if [[ $cur == -* ]]; then
		local opts='-q --quiet -h --help --version'
		case $mode in
		decode) opts="$opts -i --input" ;;
		encode) opts="$opts --insert --time-signal --event-id --pts --duration --out --in
			--auto-return --type --upid --hex" ;;
		inject) opts="$opts --at --schedule --preroll --pid --event-id -o --output" ;;
		stitch) opts="$opts --ad --ads --at --schedule --replace --interstitials --viewer
			--meta --impressions --live --state --slate --now -j --jobs -o --output" ;;
		esac
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _ppv_splice ppv-splice

_ppv_segment() {
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	-o|--output) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	-m|--mode) COMPREPLY=($(compgen -W 'live event vod' -- "$cur")); return ;;
	--cues) COMPREPLY=($(compgen -W 'cue daterange both none' -- "$cur")); return ;;
	-f|--format) COMPREPLY=($(compgen -W 'ts fmp4' -- "$cur")); return ;;
	-n|--name|-t|--target|-w|--window|--key-uri|--rotate|--start-number) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '-o --output -n --name -t --target -m --mode -w --window -f --format
			--cues --encrypt --key-uri --rotate --master --start-number -q --quiet -h --help
			--version' -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _ppv_segment ppv-segment

_ppv_earnings() {
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	--creators|--fees|--fx|--withholding|--balances|--impressions|--compare|-o|--output|--closing|--summary|--ledger|--rejects)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	-m|--month) COMPREPLY=($(compgen -W "last $(date +%Y-%m)" -- "$cur")); return ;;
	--format) COMPREPLY=($(compgen -W 'csv table json html' -- "$cur")); return ;;
	--rounding) COMPREPLY=($(compgen -W 'half-even half-up' -- "$cur")); return ;;
	--base|--ad-currency) COMPREPLY=($(compgen -W 'USD EUR GBP JPY CAD AUD BRL INR MXN KWD MAD' -- "$cur")); return ;;
	--tz) COMPREPLY=($(cd /usr/share/zoneinfo 2>/dev/null && compgen -f -- "$cur")); return ;;
	--min-payout|--tiers) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '-m --month --tz --creators --fees --fx --base --withholding --balances
			--impressions --ad-currency --min-payout --rounding -o --output --format --closing --summary
			--tiers --compare --ledger --rejects --partial --merge -q --quiet -h --help --version' -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _ppv_earnings ppv-earnings
