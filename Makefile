# ppv — small Unix filters for paid live streaming.
# `make` builds bin/, `make check` runs every test (installing what is missing),
# `make demo` runs the main job on built-in data.

VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR     = $(PREFIX)/bin
MANDIR     = $(PREFIX)/share/man
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR = $(PREFIX)/share/zsh/vendor-completions

CFLAGS    ?= -O2 -g
LDFLAGS   ?=
BUILD     ?= build/default
BIN       ?= bin
FUZZ_TIME ?= 60
FUZZ_SHORT = 8
FUZZ_SEED ?=

PROGS = ppv-earnings ppv-ingest ppv-mint ppv-segment ppv-splice ppv-transcode
LIBSRC = $(sort $(wildcard lib/*.c))
LIBOBJ = $(LIBSRC:%.c=$(BUILD)/%.o)
UNITSRC = $(sort $(wildcard tests/unit/*.c))
FUZZSRC = $(sort $(wildcard tests/fuzz/fuzz-*.c))
MAN1 = $(PROGS:%=man/%.1)
MAN5 = $(wildcard man/*.5)
MAN7 = man/ppv.7

PKGS = libavformat libavcodec libavfilter libswscale libavutil libcrypto libpcre2-8 zlib

# Our own code always builds with these; the user's CFLAGS come first and stay.
# Warnings are errors in `make check` (its sanitizer and fuzzing builds) and so
# in CI, never in a user's or a distribution's build with another compiler.
WERROR ?=
WARN = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra $(WERROR) \
       -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
       -Wno-missing-field-initializers   # option tables leave their last fields out
ALL_CFLAGS = $(CFLAGS) $(WARN) -Ilib $(PKG_CFLAGS) -DPPV_VERSION='"$(VERSION)"' -MMD -MP
# --as-needed: each binary loads only the libraries it calls (ppv-mint no FFmpeg codecs)
ALL_LIBS = -Wl,--as-needed $(PKG_LIBS) $(CSV_LIBS) -lm

all:

ifeq ($(filter clean deps,$(MAKECMDGOALS)),)
include build/config.mk
endif

# Found once, after the build packages are in place (libcsv ships no .pc file).
# Plain `make` installs nothing: it names what is missing and stops; the
# targets the README gives for a fresh machine install it.
INSTALLS = $(filter check demo deps bench fuzz valgrind,$(MAKECMDGOALS))
build/config.mk: mk/deps Makefile
	@mk/deps $(if $(INSTALLS),build,--no-install build)
	@mkdir -p build
	@{ echo "PKG_CFLAGS = $$(pkg-config --cflags $(PKGS))"; \
	   echo "PKG_LIBS = $$(pkg-config --libs $(PKGS))"; \
	   echo "CSV_LIBS = $$(pkg-config --libs libcsv 2>/dev/null || echo -lcsv)"; } > $@

all: $(PROGS:%=$(BIN)/%)

# `make V=1` shows the whole command lines.
ifeq ($(V),1)
Q =
msg = @:
else
Q = @
msg = @printf '  %-5s %s\n'
endif

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(msg) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# An archive, so each binary takes only the lib/ objects it calls.
$(BUILD)/libppv.a: $(LIBOBJ)
	$(msg) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BIN)/%: $(BUILD)/cmd/%.o $(BUILD)/libppv.a
	@mkdir -p $(BIN)
	$(msg) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(ALL_LIBS)

$(BUILD)/unit-tests: $(UNITSRC:%.c=$(BUILD)/%.o) $(BUILD)/libppv.a
	$(msg) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(ALL_LIBS)

-include $(shell find build -name '*.d' 2>/dev/null)

# --- tests -------------------------------------------------------------------

ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

check: all
	@mk/deps check
	$(MAKE) unit
	$(MAKE) bats
	$(MAKE) check-asan
	$(MAKE) valgrind
	$(MAKE) fuzz FUZZ_TIME=$(FUZZ_SHORT) FUZZ_SEED=1 WERROR=-Werror
	$(MAKE) lint-man

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

bats: all
	PPV_BIN=$(CURDIR)/$(BIN) bats tests

# The whole suite once more, on binaries built with the sanitizers.
check-asan:
	$(MAKE) BUILD=build/asan BIN=build/asan/bin CFLAGS="$(ASAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" WERROR=-Werror all build/asan/unit-tests
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 build/asan/unit-tests
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lib/lsan.supp:print_suppressions=0 \
		PPV_BIN=$(CURDIR)/build/asan/bin bats tests

# The demo with every ppv binary under valgrind's memcheck: no error, no leak.
valgrind: all
	@PPV_BIN=$(CURDIR)/$(BIN) mk/valgrind-demo

lint-man:
	@for m in $(MAN1) $(MAN5) $(MAN7); do mandoc -Tlint -W warning $$m || exit 1; done
	@echo "man pages: mandoc -Tlint clean"

# --- fuzzing (clang, libFuzzer) ---------------------------------------------

FUZZ_CFLAGS = -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
build/fuzz/%: tests/fuzz/%.c $(LIBSRC) $(wildcard lib/*.h) $(wildcard tests/fuzz/*.h)
	@mk/deps fuzz
	@mkdir -p build/fuzz
	$(msg) FUZZ $@
	$(Q)clang $(FUZZ_CFLAGS) $(WARN) -Ilib $(PKG_CFLAGS) -DPPV_VERSION='"$(VERSION)"' -o $@ $< $(LIBSRC) $(ALL_LIBS)

fuzz: $(FUZZSRC:tests/fuzz/%.c=build/fuzz/%)
	@for f in $^; do \
	  name=$${f##*/}; corpus=build/fuzz/corpus-$$name; mkdir -p $$corpus; \
	  echo "fuzz: $$name for $(FUZZ_TIME)s"; \
	  $$f -max_total_time=$(FUZZ_TIME) $(if $(FUZZ_SEED),-seed=$(FUZZ_SEED)) -print_final_stats=0 $$corpus tests/fuzz/seeds/$$name 2>build/fuzz/$$name.log \
	    || { tail -n 40 build/fuzz/$$name.log; exit 1; }; \
	  grep -E '^(#[0-9]+.*DONE|Done)' build/fuzz/$$name.log | tail -n 1; \
	done

# --- benchmarks and demo ------------------------------------------------------

bench: all
	@mk/deps bench
	@PPV_BIN=$(CURDIR)/$(BIN) tests/bench/run

demo: all
	@mk/deps demo
	@PPV_BIN=$(CURDIR)/$(BIN) mk/demo

# --- install ------------------------------------------------------------------

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 \
	  $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(PROGS:%=$(BIN)/%) $(DESTDIR)$(BINDIR)
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7
	$(if $(MAN5),install -d $(DESTDIR)$(MANDIR)/man5 && install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5)
	for p in $(PROGS); do install -m 644 completions/ppv.bash $(DESTDIR)$(BASHCOMPDIR)/$$p; done
	install -m 644 completions/_ppv $(DESTDIR)$(ZSHCOMPDIR)/_ppv

uninstall:
	rm -f $(PROGS:%=$(DESTDIR)$(BINDIR)/%) $(PROGS:%=$(DESTDIR)$(BASHCOMPDIR)/%) \
	  $(MAN1:man/%=$(DESTDIR)$(MANDIR)/man1/%) $(DESTDIR)$(MANDIR)/man7/ppv.7 $(DESTDIR)$(ZSHCOMPDIR)/_ppv

clean:
	rm -rf build bin

deps:
	mk/deps build check

# the completions come from the binaries' option tables; commit what it writes
completions: all
	mk/completions $(BIN) completions $(PROGS)

.PHONY: completions all check unit bats check-asan valgrind lint-man fuzz bench demo install uninstall clean deps
.SECONDARY:
