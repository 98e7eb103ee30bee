# rustls-mbedtls-compat: build the library, the C examples, and run the demo and the tests.
#
#   make demo    install what is missing, build, run the example client and server (README)
#   make test    install what is missing, build, check fmt and clippy, run every test (README; CI runs this)
#   make lib     build target/release/libmbedtls.{a,so} and build/lib/ (the link directory)
#   make lib EDITION=2.28   also the Mbed TLS 2.28 edition: build/2.28/lib and build/2.28/include
#   make lib PROFILE=small  also the firmware-size build (cargo profile small): build/small/lib
#   make examples  the C examples against this library (and against Debian's Mbed TLS 2.28)
#   make headers / make coverage   refresh the generated headers / API_COVERAGE.md
#   make install PREFIX=... DESTDIR=...   install like Mbed TLS 3.6 (pkg-config, CMake package)
#   make install EDITION=2.28 PREFIX=...   the 2.28 edition, laid out like Mbed TLS 2.28

CARGO      ?= cargo
CC         ?= cc
CFLAGS     ?= -O2 -g
WARN       := -Wall -Wextra -Werror
BUILD      := build
LIBDIR     := $(BUILD)/lib
RUST_LIB   := target/release/libmbedtls.a
HEADERS    := $(wildcard include/mbedtls/*.h include/psa/*.h)
SYS_LIBS   := -lpthread -ldl -lm -lrt -lutil -lgcc_s

EXAMPLES   := ssl_client ssl_server persistent_client ssl_pthread_server iec62351_server
OURS       := $(addprefix $(BUILD)/,$(EXAMPLES))
# The programs that also build against Debian's Mbed TLS 2.28 (headers in /usr/include/mbedtls):
# the differential tests and the benchmark baseline.
REF        := $(addprefix $(BUILD)/mbedtls-2.28/,ssl_client ssl_server iec62351_server)

.PHONY: all lib examples reference deps demo test lint clean headers coverage test-support bench install edition-2.28 FORCE

all: lib examples test-support

deps:
	@bash scripts/install-deps.sh

lib:
	$(CARGO) build --release --lib
	@mkdir -p $(LIBDIR)
	@cp -f $(RUST_LIB) target/release/libmbedtls.so $(LIBDIR)/
	@ln -sfn libmbedtls.so $(LIBDIR)/libmbedtls.so.21
	@# Programs link with -lmbedtls -lmbedx509 -lmbedcrypto: everything is in libmbedtls, the
	@# other two are empty archives so that such link lines work unchanged.
	@rm -f $(LIBDIR)/libmbedx509.a $(LIBDIR)/libmbedcrypto.a
	@ar rcs $(LIBDIR)/libmbedx509.a && ar rcs $(LIBDIR)/libmbedcrypto.a

# The Mbed TLS 2.28 edition: the same core with 2.28's signatures, error values and struct fields
# (cargo feature edition-2-28). Its own cargo target directory (a static library's file name has
# no hash: in one directory the two editions would overwrite and rebuild each other); its library
# and header tree go to build/2.28/.
E228       := $(BUILD)/2.28
E228_LIB   := $(E228)/lib/libmbedtls.a
E228_PROGS := $(addprefix $(E228)/,ssl_client ssl_server iec62351_server) \
              $(addprefix $(E228)/tests/,base64_cases verify_chains cipher_cases x509_crl_smoke small_modules legacy_228 iec_layer_228)

ifeq ($(EDITION),2.28)
lib: $(E228_LIB)
endif

$(E228_LIB): FORCE
	MBEDTLS_COMPAT_EXPORT_HEADERS=$(CURDIR)/$(E228)/include \
	  $(CARGO) build --release --lib --features edition-2-28 --target-dir target/edition-2.28
	@mkdir -p $(E228)/lib
	@cmp -s target/edition-2.28/release/libmbedtls.a $@ || cp -f target/edition-2.28/release/libmbedtls.a $@
	@cmp -s target/edition-2.28/release/libmbedtls.so $(E228)/lib/libmbedtls.so || \
	  cp -f target/edition-2.28/release/libmbedtls.so $(E228)/lib/
	@ln -sfn libmbedtls.so $(E228)/lib/libmbedtls.so.14
	@test -f $(E228)/lib/libmbedx509.a || ar rcs $(E228)/lib/libmbedx509.a
	@test -f $(E228)/lib/libmbedcrypto.a || ar rcs $(E228)/lib/libmbedcrypto.a

$(E228)/%: c_examples/%.c $(E228_LIB)
	$(CC) $(CFLAGS) $(WARN) -I$(E228)/include -o $@ $< $(E228_LIB) $(SYS_LIBS)

$(E228)/tests/%: tests/c/%.c tests/c/counted_checks.h $(E228_LIB)
	@mkdir -p $(E228)/tests
	$(CC) $(CFLAGS) $(WARN) -I$(E228)/include -o $@ $< $(E228_LIB) $(SYS_LIBS)

edition-2.28: $(E228_PROGS)

FORCE:

# The firmware-size build (cargo profile `small`: opt-level s, fat LTO, one codegen unit, no debug
# information; panics still unwind, caught at the C boundary): its own directory target/small/,
# the library copied to build/small/lib/, the headers shared (include/). Programs link it with
# --gc-sections, their C code compiled into one section per function and object
# (SMALL_CFLAGS/SMALL_LDFLAGS): without it the linker keeps the whole library's one object.
# With PROFILE=small, `make examples` also builds the examples and bench/min_*.c against it.
SMALL         := $(BUILD)/small
SMALL_LIB     := $(SMALL)/lib/libmbedtls.a
SMALL_CFLAGS  := -Os -ffunction-sections -fdata-sections
SMALL_LDFLAGS := -Wl,--gc-sections
SMALL_PROGS   := $(addprefix $(SMALL)/,ssl_client ssl_server min_client min_server)

ifeq ($(PROFILE),small)
lib: $(SMALL_LIB)
examples: $(SMALL_PROGS)
endif

# aws-lc's C code gets no unwind tables in this build: no unwinding ever passes through it (Rust
# panics are caught before the C boundary and aws-lc calls no Rust code), and they cost ~80 kB.
$(SMALL_LIB): FORCE
	AWS_LC_SYS_CFLAGS="-fno-asynchronous-unwind-tables -fno-unwind-tables" $(CARGO) build --profile small --lib
	@mkdir -p $(SMALL)/lib
	@cmp -s target/small/libmbedtls.a $@ || cp -f target/small/libmbedtls.a $@
	@cmp -s target/small/libmbedtls.so $(SMALL)/lib/libmbedtls.so || cp -f target/small/libmbedtls.so $(SMALL)/lib/
	@ln -sfn libmbedtls.so $(SMALL)/lib/libmbedtls.so.21
	@test -f $(SMALL)/lib/libmbedx509.a || ar rcs $(SMALL)/lib/libmbedx509.a
	@test -f $(SMALL)/lib/libmbedcrypto.a || ar rcs $(SMALL)/lib/libmbedcrypto.a

$(SMALL)/%: c_examples/%.c $(SMALL_LIB) $(HEADERS)
	$(CC) $(SMALL_CFLAGS) $(WARN) -Iinclude -o $@ $< $(SMALL_LIB) $(SYS_LIBS) $(SMALL_LDFLAGS)

$(SMALL)/%: bench/%.c $(SMALL_LIB) $(HEADERS)
	$(CC) $(SMALL_CFLAGS) $(WARN) -Iinclude -o $@ $< $(SMALL_LIB) $(SYS_LIBS) $(SMALL_LDFLAGS)

$(BUILD)/%: c_examples/%.c $(RUST_LIB) $(HEADERS)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) $(WARN) -Iinclude -o $@ $< $(RUST_LIB) $(SYS_LIBS)

$(BUILD)/mbedtls-2.28/%: c_examples/%.c
	@mkdir -p $(BUILD)/mbedtls-2.28
	$(CC) $(CFLAGS) $(WARN) -o $@ $< -lmbedtls -lmbedx509 -lmbedcrypto

$(RUST_LIB): lib

examples: lib $(OURS) reference edition-2.28

reference:
	@if [ -f /usr/include/mbedtls/ssl.h ]; then $(MAKE) --no-print-directory $(REF); \
	 else echo "Debian's libmbedtls-dev is not installed: run 'make deps'"; exit 1; fi

# Test helpers: the loopback-only bind shim for peers that bind the wildcard address, the
# C test programs of tests/c/ (each built against this library), and the peers of tests/peers/
# (built against another TLS library: independent real peers).
# legacy_228 and iec_layer_228 are written for Mbed TLS 2.28 only (its edition and Debian's).
TEST_PROGRAMS := $(filter-out $(BUILD)/tests/bind_loopback $(BUILD)/tests/legacy_228 $(BUILD)/tests/iec_layer_228,$(patsubst tests/c/%.c,$(BUILD)/tests/%,$(wildcard tests/c/*.c)))
test-support: $(BUILD)/libbindlo.so $(TEST_PROGRAMS) $(BUILD)/peers/openssl_renego_client \
	$(BUILD)/mbedtls-2.28/tests/base64_cases $(BUILD)/mbedtls-2.28/tests/verify_chains \
	$(BUILD)/mbedtls-2.28/tests/cipher_cases \
	$(BUILD)/mbedtls-2.28/tests/x509_crl_smoke \
	$(BUILD)/mbedtls-2.28/tests/small_modules $(BUILD)/mbedtls-2.28/tests/legacy_228 \
	$(BUILD)/mbedtls-2.28/tests/iec_layer_228

$(BUILD)/tests/%: tests/c/%.c tests/c/check.h tests/c/counted_checks.h $(RUST_LIB) $(HEADERS)
	@mkdir -p $(BUILD)/tests
	$(CC) $(CFLAGS) $(WARN) -Iinclude -o $@ $< $(RUST_LIB) $(SYS_LIBS)

# Test programs also built against Debian's Mbed TLS 2.28 (differential tests).
$(BUILD)/mbedtls-2.28/tests/%: tests/c/%.c tests/c/counted_checks.h
	@mkdir -p $(BUILD)/mbedtls-2.28/tests
	$(CC) $(CFLAGS) $(WARN) -o $@ $< -lmbedtls -lmbedx509 -lmbedcrypto

# OpenSSL's libssl (libssl-dev), renegotiating by session resumption and in full.
$(BUILD)/peers/openssl_renego_client: tests/peers/openssl_renego_client.c
	@mkdir -p $(BUILD)/peers
	$(CC) $(CFLAGS) $(WARN) -o $@ $< -lssl -lcrypto

$(BUILD)/libbindlo.so: tests/c/bind_loopback.c
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) $(WARN) -shared -fPIC -o $@ $< -ldl

# Installs like Mbed TLS 3.6 (headers, libraries, pkg-config files, the CMake package MbedTLS):
#   make install PREFIX=/usr/local DESTDIR=
PREFIX     ?= /usr/local
DESTDIR    ?=
install: lib
	EDITION="$(EDITION)" PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" SYS_LIBS="$(SYS_LIBS)" bash scripts/install.sh

headers:
	MBEDTLS_COMPAT_UPDATE_HEADERS=1 $(CARGO) build --lib

# API_COVERAGE.md: which Mbed TLS 3.6 functions are implemented (checked fresh by tests/headers.rs).
coverage: lib
	python3 scripts/api_coverage.py target/release/libmbedtls.so

demo: deps all
	@bash scripts/demo.sh

# Formatting and lints are part of the tests (CI runs make test).
lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --release --all-targets -- -D warnings
	$(CARGO) clippy --release --lib --features edition-2-28 -- -D warnings

# Every process a test starts carries this run's id; none may outlive the tests.
test: deps all lint
	@run="$$$$-$$(date +%s)"; status=0; \
	 MBEDTLS_COMPAT_TEST_RUN=$$run $(CARGO) test --release || status=$$?; \
	 bash scripts/check-leftovers.sh $$run || status=1; \
	 exit $$status

# The benchmark (not part of `make test`): writes BENCHMARKS.md.
bench: deps all $(BUILD)/bench/idle_server $(BUILD)/bench/idle_server-2.28 $(SMALL_LIB)
	@bash scripts/gen-test-certs.sh >/dev/null
	python3 scripts/bench.py

$(BUILD)/bench/idle_server: bench/idle_server.c $(RUST_LIB)
	@mkdir -p $(BUILD)/bench
	$(CC) $(CFLAGS) $(WARN) -Iinclude -o $@ $< $(RUST_LIB) $(SYS_LIBS)

$(BUILD)/bench/idle_server-2.28: bench/idle_server.c
	@mkdir -p $(BUILD)/bench
	$(CC) $(CFLAGS) $(WARN) -o $@ $< -lmbedtls -lmbedx509 -lmbedcrypto

clean:
	rm -rf $(BUILD)
	$(CARGO) clean
