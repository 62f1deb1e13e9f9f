#!/usr/bin/env bats
# nginx (Debian's, with secure_link) accepts the URLs ppv-mint signs.

load helpers

setup_file() {
	export NGX=$(mktemp -d /tmp/ppv-nginx.XXXXXX)
	export NGX_PORT=$(free_port)
	mkdir -p "$NGX/www/live/ev1" "$NGX/www/live/ev2"
	echo '#EXTM3U' > "$NGX/www/live/ev1/index.m3u8"
	echo '#EXTM3U' > "$NGX/www/live/ev2/index.m3u8"
	echo 'a b' > "$NGX/www/live/ev1/a b.txt"
	nginx_start "$NGX" "$NGX_PORT" "
	  server {
	    listen 127.0.0.1:$NGX_PORT;
	    root $NGX/www;
	    location /live/ {
	      secure_link \$arg_md5,\$arg_expires;
	      secure_link_md5 \"\$secure_link_expires\$uri\$remote_addr s3cr3t\";
	      if (\$secure_link = \"\") { return 403; }
	      if (\$secure_link = \"0\") { return 410; }
	    }
	    location /custom/ {
	      alias $NGX/www/live/;
	      secure_link \$arg_md5,\$arg_expires;
	      secure_link_md5 \"s3cr3t:\$uri:\$secure_link_expires\";
	      if (\$secure_link = \"\") { return 403; }
	      if (\$secure_link = \"0\") { return 410; }
	    }
	  }"
}

teardown_file() {
	nginx_stop "$NGX"
	sleep 0.2
	rm -rf "$NGX"
}

code() {
	curl -s --path-as-is -o /dev/null -w '%{http_code}' "$1"
}

mint() {
	ppv-mint -f nginx -k "$T/nginx.key" --ip 127.0.0.1 -u "http://127.0.0.1:$NGX_PORT" "$@"
}

@test "nginx answers 200 to a URL ppv-mint signed" {
	run code "$(mint -t 1h /live/ev1/index.m3u8)"
	assert_output 200
}

@test "nginx answers 403 to a tampered URL" {
	url=$(mint -t 1h /live/ev1/index.m3u8)
	run code "${url/ev1/ev2}"
	assert_output 403
	run code "${url/md5=/md5=x}"
	assert_output 403
	exp=${url##*expires=}
	run code "${url%expires=*}expires=$((exp + 1))"
	assert_output 403
}

@test "nginx answers 410 to an expired URL" {
	run code "$(mint -e 1000000000 /live/ev1/index.m3u8)"
	assert_output 410
}

@test "a URL signed for another client address is refused" {
	run code "$(ppv-mint -f nginx -k "$T/nginx.key" --ip 10.1.2.3 -t 1h -u "http://127.0.0.1:$NGX_PORT" /live/ev1/index.m3u8)"
	assert_output 403
}

@test "percent-encoded and dotted paths are signed as nginx's \$uri sees them" {
	run code "$(mint -t 1h '/live/ev1/a%20b.txt')"
	assert_output 200
	run code "$(mint -t 1h '/live/ev2/../ev1/index.m3u8')"
	assert_output 200
}

@test "a custom --nginx-expr matches the same secure_link_md5 in nginx.conf" {
	run code "$(ppv-mint -f nginx -k "$T/nginx.key" -t 1h --nginx-expr '$secret:$uri:$secure_link_expires' \
		-u "http://127.0.0.1:$NGX_PORT" /custom/ev1/index.m3u8)"
	assert_output 200
}

@test "ppv-mint -c agrees with nginx on valid, tampered and expired URLs" {
	good=$(mint -t 1h /live/ev1/index.m3u8)
	old=$(mint -e 1000000000 /live/ev1/index.m3u8)
	run ppv-mint -c -f nginx -k "$T/nginx.key" --ip 127.0.0.1 <<<"$good"$'\n'"${good/ev1/ev2}"$'\n'"$old"
	assert_failure 1
	assert_line -n 0 "$good: OK"
	assert_line -n 1 "${good/ev1/ev2}: FAIL bad-signature"
	assert_line -n 2 "$old: FAIL expired"
}
