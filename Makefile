# wenshu — XML records to GB/T 9704 Chinese official-document PDFs.
# `make` builds ./wenshu; `make demo` and `make check` first install what is missing (make deps).

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
SHARED  ?= $(abspath ../shared)
PKGS     = libxml-2.0 libcmark-gfm harfbuzz harfbuzz-subset fontconfig libunibreak libzip xlsxwriter libmicrohttpd icu-uc icu-i18n
# Debian 12 packages the build, the tests and the demo need (see README "Dependencies").
DEB_PKGS = build-essential pkg-config libxml2-dev libcmark-gfm-dev libcmark-gfm-extensions-dev \
           libhpdf-dev libharfbuzz-dev libfontconfig-dev libunibreak-dev libicu-dev zlib1g-dev libxlsxwriter-dev \
           fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei fonts-hanazono fonts-liberation2 fonts-texgyre \
           icc-profiles-free gettext nettle-dev libdeflate-dev libzip-dev libmicrohttpd-dev curl python3-openpyxl hyperfine mupdf-tools poppler-utils qpdf python3 valgrind clang

OPT      ?= -O2 -g
WERROR   ?=
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE -Wall -Wextra $(WERROR) $(OPT) $(EXTRA_CFLAGS) \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -Igenerator
LDLIBS_ALL = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions -lexslt -lhpdf -lnettle -ldeflate -lz -lm -pthread $(EXTRA_LDFLAGS)

BUILD    ?= build
# One folder per pipeline stage (README "Layout"); objects mirror the folders under $(BUILD).
LAYERS   := base records fonts sheets template typeset pdf batch serve cli
SRCS     := $(filter-out generator/cli/main.c,$(foreach l,$(LAYERS),$(wildcard generator/$(l)/*.c)))
HDRS     := $(foreach l,$(LAYERS),$(wildcard generator/$(l)/*.h))
OBJS     := $(SRCS:generator/%.c=$(BUILD)/%.o) $(BUILD)/serve/serve_assets.o
# The workbench page of `wenshu serve` (HTML, CSS, JS) is compiled into the binary: one C file
# generated from the files of generator/serve/assets/, so that the page needs nothing installed.
SERVE_ASSETS := $(wildcard generator/serve/assets/*.html generator/serve/assets/*.css generator/serve/assets/*.js)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/unit/%)

.PHONY: FORCE all deps demo check test unit layers sanitize valgrind bench bench-all bench-peers bench-large fuzz install deb clean readme-image
all: wenshu

$(BUILD)/%.o: generator/%.c $(HDRS) | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -c $< -o $@
# The installed binary finds templates and schemas under PREFIX: rebuild when PREFIX changes.
$(BUILD)/cli/datadir.o: generator/cli/datadir.c $(BUILD)/prefix.stamp | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -DWENSHU_PREFIX='"$(PREFIX)"' -c $< -o $@
# The program's identity, mixed into every incremental-build key (so an upgraded wenshu makes again
# what it would make differently) and shown by --version: `git describe` where there is a .git,
# and in any case a hash of the generator's sources, so a tarball build has one too. The stamp is
# rewritten only when it changes, so an unchanged tree does not recompile.
BUILD_ID_SRCS := $(sort $(foreach l,$(LAYERS),$(wildcard generator/$(l)/*.c generator/$(l)/*.h)))
$(BUILD)/build_id.stamp: FORCE | $(BUILD)
	@d=$$( [ -e .git ] && git describe --always 2>/dev/null || echo release); \
	 h=$$(cat $(BUILD_ID_SRCS) Makefile | sha256sum | cut -c1-16); \
	 echo "$$d+src.$$h" | cmp -s - $@ || echo "$$d+src.$$h" > $@
$(BUILD)/cli/cli_opts.o: generator/cli/cli_opts.c $(BUILD)/build_id.stamp $(HDRS) | $(BUILD)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -DWENSHU_BUILD_ID="\"$$(cat $(BUILD)/build_id.stamp)\"" -c $< -o $@
$(BUILD)/prefix.stamp: FORCE | $(BUILD)
	@echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' > $@
FORCE:
$(BUILD):
	mkdir -p $(BUILD) $(BUILD)/unit $(addprefix $(BUILD)/,$(LAYERS))
$(BUILD)/serve/serve_assets.c: $(SERVE_ASSETS) generator/serve/embed_assets.py | $(BUILD)
	@mkdir -p $(@D)
	python3 generator/serve/embed_assets.py $@ $(SERVE_ASSETS)
$(BUILD)/serve/serve_assets.o: $(BUILD)/serve/serve_assets.c generator/serve/serve_assets.h
	$(CC) $(CFLAGS_ALL) -c $< -o $@
$(BUILD)/libwenshu.a: $(OBJS)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/wenshu: $(BUILD)/cli/main.o $(BUILD)/libwenshu.a | $(BUILD)/locale/zh_CN/LC_MESSAGES/wenshu.mo
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)
# The Chinese messages (base/i18n.h): compiled beside the binary, where cli_localedir finds them.
# zh_SG gets the same catalogue (both are simplified Chinese).
$(BUILD)/locale/zh_CN/LC_MESSAGES/wenshu.mo: generator/po/zh_CN.po | $(BUILD)
	@mkdir -p $(@D) $(BUILD)/locale/zh_SG/LC_MESSAGES
	msgfmt --check -o $@ $<
	cp $@ $(BUILD)/locale/zh_SG/LC_MESSAGES/wenshu.mo
wenshu: $(BUILD)/wenshu
	cp $< $@
$(BUILD)/unit/%: tests/unit/%.c $(BUILD)/libwenshu.a $(wildcard tests/unit/*.h) | $(BUILD)
	$(CC) $(CFLAGS_ALL) -Itests/unit -o $@ $< $(BUILD)/libwenshu.a $(LDLIBS_ALL)

# Installs the Debian packages that are missing; silent and quick when all are present.
# The Fandol fonts of the default style ship only in texlive-lang-chinese, which pulls in TeX
# Live (over 400 MB installed): its .deb (49 MB) is fetched with apt-get download and only the
# six Fandol faces (34 MB) and their licence are unpacked, into FANDOL_DIR (a folder fontconfig
# scans). A system that has texlive-lang-chinese installed already has them.
FANDOL_DIR ?= /usr/local/share/fonts/fandol
deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing $$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root (apt-get) or install: $$missing" >&2; exit 2; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 2; \
	fi
	@if ! fc-list -q FandolFang && [ ! -f $(FANDOL_DIR)/FandolFang-Regular.otf ]; then \
	  echo "make deps: installing the Fandol fonts into $(FANDOL_DIR)"; \
	  if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root, or install texlive-lang-chinese" >&2; exit 2; fi; \
	  tmp=$$(mktemp -d) && chmod 755 $$tmp && cd $$tmp && \
	  { apt-get download texlive-lang-chinese >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get download texlive-lang-chinese >/dev/null; }; } && \
	  dpkg-deb --fsys-tarfile texlive-lang-chinese_*.deb | tar -x --wildcards \
	    './usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol[FHKS]*.otf' \
	    './usr/share/doc/texlive-doc/fonts/fandol/*' && \
	  mkdir -p $(FANDOL_DIR) && \
	  cp usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/*.otf usr/share/doc/texlive-doc/fonts/fandol/* $(FANDOL_DIR)/ && \
	  cd / && rm -rf $$tmp && fc-cache $(FANDOL_DIR) || { echo "make deps: could not install the Fandol fonts" >&2; exit 2; }; \
	fi

unit: $(UNIT_BINS)

# The stages of generator/ include only downward and export only prefixed names (tests/layers.py).
layers: $(BUILD)/libwenshu.a
	python3 tests/layers.py --lib $(BUILD)/libwenshu.a

demo: deps
	$(MAKE) wenshu
	./tests/demo.sh

check: deps
	$(MAKE) wenshu unit
# make check runs make layers first (tests/layers.py).
	$(MAKE) layers
	SHARED=$(SHARED) ./tests/run

test: check

# AddressSanitizer + UBSan build in its own folder, then the whole suite against it.
sanitize: deps
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	        EXTRA_LDFLAGS="-fsanitize=address,undefined" build-asan/wenshu unit
	WENSHU=$(CURDIR)/build-asan/wenshu UNIT_DIR=build-asan/unit SHARED=$(SHARED) SANITIZED=1 \
	  ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sheets/lsan.supp:print_suppressions=0 UBSAN_OPTIONS=print_stacktrace=1 ./tests/run

# The leak and memory-error checks alone (make check runs them too).
valgrind: deps
	$(MAKE) wenshu
	bash tests/hardening/test_valgrind.sh

bench: deps
	$(MAKE) wenshu
	./bench/run.sh

# Everything at once, for bench/RESULTS.md's section (f) on issue 22's targets: the cases of
# `make bench`, then bench-peers and bench-large (100 000 members in one file) in the same run.
bench-all: deps
	@command -v node >/dev/null && command -v npm >/dev/null || $(MAKE) deps DEB_PKGS="$(PEER_DEB_PKGS)"
	$(MAKE) wenshu
	./bench/run.sh --all

# wenshu beside Typst (its compiler from the npm registry, into bench/work/peers): bench/PEERS.md.
# Node.js and npm come from Debian, installed here only: nothing else needs them.
PEER_DEB_PKGS = nodejs npm
bench-peers: deps
	@command -v node >/dev/null && command -v npm >/dev/null || $(MAKE) deps DEB_PKGS="$(PEER_DEB_PKGS)"
	$(MAKE) wenshu
	python3 bench/peers.py

# 100 000 members: check, build at -j 2, memory, and 8 shards against one run: bench/LARGE.md.
# LARGE_MEMBERS=N for a smaller set; about 10 GB of free disk while it runs.
bench-large: deps
	$(MAKE) wenshu
	python3 bench/large.py --members $(or $(LARGE_MEMBERS),100000)

fuzz: deps
	./tests/fuzz/run.sh $(FUZZ_SECONDS)

# Every copy must succeed: a failing install stops make with the tool's own message. Partials are
# optional (no form uses one yet), so that folder is copied only when it has files.
PARTIALS := $(wildcard templates/partials/*.md)
install: wenshu
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/wenshu/templates/partials \
	           $(DESTDIR)$(PREFIX)/share/wenshu/templates/styles $(DESTDIR)$(PREFIX)/share/wenshu/schemas \
	           $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 wenshu $(DESTDIR)$(PREFIX)/bin/wenshu
	install -m 644 templates/*.md $(DESTDIR)$(PREFIX)/share/wenshu/templates/
	$(if $(PARTIALS),install -m 644 $(PARTIALS) $(DESTDIR)$(PREFIX)/share/wenshu/templates/partials/)
	install -m 644 templates/styles/* $(DESTDIR)$(PREFIX)/share/wenshu/templates/styles/
	install -m 644 schemas/*.xsd $(DESTDIR)$(PREFIX)/share/wenshu/schemas/
	install -m 644 docs/wenshu.1 $(DESTDIR)$(PREFIX)/share/man/man1/wenshu.1
	install -d $(DESTDIR)$(PREFIX)/share/locale/zh_CN/LC_MESSAGES $(DESTDIR)$(PREFIX)/share/locale/zh_SG/LC_MESSAGES
	install -m 644 $(BUILD)/locale/zh_CN/LC_MESSAGES/wenshu.mo $(DESTDIR)$(PREFIX)/share/locale/zh_CN/LC_MESSAGES/wenshu.mo
	install -m 644 $(BUILD)/locale/zh_CN/LC_MESSAGES/wenshu.mo $(DESTDIR)$(PREFIX)/share/locale/zh_SG/LC_MESSAGES/wenshu.mo

# The Debian package (README "Debian package"). Its sources are docs/debian/ (the top level holds
# no debian/ folder): the build tree, the sources with docs/debian/ as debian/, is assembled in
# build/deb/wenshu-VERSION/ (no .git needed) and dpkg-buildpackage leaves wenshu_VERSION_ARCH.deb
# in build/deb/; lintian must then report no error and no warning (build/deb/lintian.log).
# docs/debian/changelog's version must be WENSHU_VERSION (cli/cli_opts.h). The tools come from
# DEB_PACKAGING_PKGS (mmdebstrap: the clean root of tests/packaging/test_deb.sh).
DEB_PACKAGING_PKGS = debhelper dpkg-dev lintian mmdebstrap
DEB_VERSION = $(shell sed -n 's/^\#define WENSHU_VERSION "\(.*\)"/\1/p' generator/cli/cli_opts.h)
DEB_TREE    = build/deb/wenshu-$(DEB_VERSION)
deb:
	$(MAKE) deps DEB_PKGS="$(DEB_PKGS) $(DEB_PACKAGING_PKGS)"
	@v=$$(dpkg-parsechangelog -l docs/debian/changelog -S Version); [ "$$v" = "$(DEB_VERSION)" ] || \
	  { echo "make deb: docs/debian/changelog is at $$v, wenshu at $(DEB_VERSION): add an entry for $(DEB_VERSION) at the top of docs/debian/changelog (devscripts: dch -c docs/debian/changelog -v $(DEB_VERSION))" >&2; exit 2; }
	rm -rf build/deb && mkdir -p $(DEB_TREE)
	cp -R generator templates schemas samples docs Makefile README.md LICENSE $(DEB_TREE)/
	rm -rf $(DEB_TREE)/docs/debian && cp -R docs/debian $(DEB_TREE)/debian
	cd $(DEB_TREE) && DEB_BUILD_OPTIONS="parallel=$(or $(DEB_JOBS),$(shell nproc)) $(DEB_BUILD_OPTIONS)" dpkg-buildpackage -b -us -uc
	lintian --fail-on error,warning --tag-display-limit 0 build/deb/wenshu_$(DEB_VERSION)_*.changes \
	  >build/deb/lintian.log 2>&1; s=$$?; cat build/deb/lintian.log; exit $$s
	@ls build/deb/*.deb

readme-image: wenshu
	./tests/readme_image.sh

clean:
	rm -rf build build-asan wenshu out seed.pdf tests/out
