#!/usr/bin/env python3
"""serve.py: serves a directory on 127.0.0.1 as a live HLS origin must, for
the player tests: every request answered in full, never 304 Not Modified.

Python's http.server answers If-Modified-Since at the resolution of one
second, so a playlist rewritten in the second a player last fetched it stays
"not modified" for good: a live event's last segment and its ENDLIST, written
together, are never seen. A live origin must not do that (see the nginx site
in examples/), and neither may the server the tests play through.

usage: serve.py PORT DIRECTORY
"""
import functools
import http.server
import sys


class Origin(http.server.SimpleHTTPRequestHandler):
    def send_head(self):
        del self.headers["If-Modified-Since"]
        del self.headers["If-None-Match"]
        return super().send_head()

    def end_headers(self):
        if self.path.split("?")[0].endswith(".m3u8"):
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, *args):
        pass


def main():
    port, root = int(sys.argv[1]), sys.argv[2]
    handler = functools.partial(Origin, directory=root)
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as httpd:
        httpd.serve_forever()


if __name__ == "__main__":
    main()
