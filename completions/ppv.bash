# bash completion for the ppv toolkit: one function per binary.
# Made by mk/completions from the binaries: do not edit.
# shellcheck shell=bash

_ppv_earnings() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} opts
	case $prev in
	-m|--month) COMPREPLY=($(compgen -W "last $(date +%Y-%m)" -- "$cur")); return ;;
	--tz) COMPREPLY=($(cd /usr/share/zoneinfo 2>/dev/null && compgen -f -- "$cur")); return ;;
	--creators) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--fees) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--fx) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--base) COMPREPLY=($(compgen -W 'USD EUR GBP JPY CAD AUD BRL INR MXN KWD MAD' -- "$cur")); return ;;
	--withholding) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--balances) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--impressions) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--ad-currency) COMPREPLY=($(compgen -W 'USD EUR GBP JPY CAD AUD BRL INR MXN KWD MAD' -- "$cur")); return ;;
	--rounding) COMPREPLY=($(compgen -W 'half-even half-up' -- "$cur")); return ;;
	-o|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--format) COMPREPLY=($(compgen -W 'csv table json html' -- "$cur")); return ;;
	--closing) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--summary) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--compare) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--ledger) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--rejects) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--min-payout|--tiers|--memory) return ;;
	esac
	opts='-m --month --tz --creators --fees --fx --base --withholding --balances --impressions --ad-currency --min-payout --rounding -o --output --format --closing --summary --tiers --compare --ledger --rejects --partial --merge --memory -q --quiet -h --help --version'
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _ppv_earnings ppv-earnings

_ppv_ingest() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} opts
	case $prev in
	-o|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--stats) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	-k|--key) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	-K|--keys) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--exec) COMPREPLY=($(compgen -c -- "$cur")); return ;;
	--record) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	--size) COMPREPLY=($(compgen -W '640x360 1280x720 1920x1080' -- "$cur")); return ;;
	--rate) COMPREPLY=($(compgen -W '25 30 50 60' -- "$cur")); return ;;
	--max-duration|-l|--listen|--app|--grace|--timeout|--handshake-timeout|--stale|--max-conns|--max-conns-per-ip|--duration) return ;;
	esac
	opts='-o --output --stats --max-duration -k --key -l --listen --inetd -K --keys --app --grace --timeout --handshake-timeout --stale --max-conns --max-conns-per-ip --exec --record --test-source --duration --size --rate -q --quiet -v --verbose -h --help --version'
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _ppv_ingest ppv-ingest

_ppv_mint() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} opts
	case $prev in
	-f|--format) COMPREPLY=($(compgen -W 'nginx akamai jwt gcdn fastly bunny cloudfront' -- "$cur")); return ;;
	-k|--key) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--alg) COMPREPLY=($(compgen -W 'HS256 RS256 ES256' -- "$cur")); return ;;
	--algo) COMPREPLY=($(compgen -W 'sha256 sha1 md5' -- "$cur")); return ;;
	--hash) COMPREPLY=($(compgen -W 'sha1 sha256' -- "$cur")); return ;;
	-o|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--revoked) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	-e|--expires|-t|--ttl|-s|--start|-a|--acl|--ip|--id|--data|--sub|--kid|--aud|--claim|--salt|--nginx-expr|--token-name|--token-path|--key-name|--prefix|--key-pair-id|--countries|--countries-blocked|--speed-limit|-u|--base-url|--now|--path|--leeway|--window) return ;;
	esac
	opts='-f --format -k --key -e --expires -t --ttl -s --start -a --acl --ip --id --data --sub --alg --kid --aud --claim --no-iat --no-acl --algo --salt --escape-early --nginx-expr --token-name --token-path --key-name --prefix --cookies --key-pair-id --hash --countries --countries-blocked --speed-limit --ignore-params --directory -u --base-url --batch --now -o --output -c --check --path --leeway -q --quiet -v --verbose --revoked --revoke --audit --window --genkey -h --help --version'
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _ppv_mint ppv-mint

_ppv_segment() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} opts
	case $prev in
	-o|--output) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	-m|--mode) COMPREPLY=($(compgen -W 'live event vod' -- "$cur")); return ;;
	-f|--format) COMPREPLY=($(compgen -W 'ts fmp4' -- "$cur")); return ;;
	--cues) COMPREPLY=($(compgen -W 'cue daterange both none' -- "$cur")); return ;;
	-n|--name|-t|--target|-w|--window|--key-uri|--rotate|--start-number) return ;;
	esac
	opts='-o --output -n --name -t --target -m --mode -w --window -f --format --cues --encrypt --key-uri --rotate --master --start-number -q --quiet -h --help --version'
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _ppv_segment ppv-segment

_ppv_splice() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} opts
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W 'decode encode inject stitch -h --help --version' -- "$cur"))
		return
	fi
	case ${COMP_WORDS[1]} in
	decode)
		case $prev in
		-i|--input) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		esac
		opts='-i --input -q --quiet -h --help --version' ;;
	encode)
		case $prev in
		--type) COMPREPLY=($(compgen -W '0x22 0x30 0x32 0x34 0x36 0x10 0x11' -- "$cur")); return ;;
		--upid) COMPREPLY=($(compgen -W 'ti: adi: uri: mid: eidr: uuid: adid: isan: user:' -- "$cur")); return ;;
		--event-id|--pts|--duration) return ;;
		esac
		opts='--insert --time-signal --event-id --pts --duration --out --in --auto-return --type --upid --hex -q --quiet -h --help --version' ;;
	inject)
		case $prev in
		--schedule) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		-o|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		--at|--preroll|--pid|--event-id) return ;;
		esac
		opts='--at --schedule --preroll --pid --event-id -o --output -q --quiet -h --help --version' ;;
	stitch)
		case $prev in
		--ad) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		--ads) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		--schedule) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		--impressions) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		--slate) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		--state) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		-o|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		--at|--viewer|--meta|--now|-j|--jobs) return ;;
		esac
		opts='--ad --ads --at --schedule --replace --interstitials --viewer --meta --impressions --slate --now -j --jobs --live --state -o --output -q --quiet -h --help --version' ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _ppv_splice ppv-splice

_ppv_transcode() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} opts
	case $prev in
	--preset) COMPREPLY=($(compgen -W 'ultrafast superfast veryfast faster fast medium slow slower veryslow' -- "$cur")); return ;;
	--audio) COMPREPLY=($(compgen -W 'copy aac' -- "$cur")); return ;;
	-o|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--ladder|--gop) return ;;
	esac
	opts='--ladder --preset --gop --audio -o --output -q --quiet -h --help --version'
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _ppv_transcode ppv-transcode
