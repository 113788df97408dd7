# GradLab - build, test, benchmark and serve.
#
#   make            native CLI (build/gradlab), the WebAssembly module and the site (build/site/)
#   make test       install what is missing, lint and type-check, build, run the C, node and browser suites
#   make lint       ESLint over web/, scripts/, tests/ and tsc --checkJs over web/js (zero warnings)
#   make serve      install what is missing, build, serve the lab on http://localhost:$(PORT)/
#   make bench      training-speed benchmarks (native and WASM), first-visit weight and time
#   make dist       a self-contained folder (dist/) any static host can serve, .br/.gz beside the files
#   make icons      re-render web/img/icon-*.png from the SVG drawings (committed)
#
# Debian's emcc runs its JS optimiser with the machine's node, which only
# finds acorn & co. in Debian's node module folder:
export NODE_PATH := /usr/share/nodejs

PORT ?= 8000
CC ?= gcc
ifeq ($(origin CC),default)
CC := gcc
endif
EMCC ?= emcc

ENGINE := c_src/err.c c_src/settings.c c_src/rng.c c_src/data.c c_src/gemm.c c_src/sums.c c_src/elementwise.c c_src/loss.c \
  c_src/conv.c c_src/norm.c c_src/pool.c \
  c_src/graph.c c_src/net.c c_src/init.c c_src/passes.c c_src/stats.c c_src/step.c c_src/optim.c \
  c_src/api.c c_src/sweep.c c_src/meanfield.c c_src/blocks.c c_src/change.c c_src/hist.c
HEADERS := c_src/gradlab.h c_src/gl_internal.h c_src/kernels.h
WARN := -Wall -Wextra -Wno-unused-parameter -Werror=switch
# -ffp-contract=off: no fused multiply-add, because WebAssembly has none; the
# native and WASM builds then compute the same bits (the parity test relies on
# it; the cost natively is about 15%, see docs/performance.md).
# -fno-math-errno: sqrt need not set errno (the engine's never see a negative
# number), so norm.c's per-channel loops vectorise; sqrt is correctly rounded
# either way (the same bits); clang for WebAssembly has no errno for it.
CFLAGS_NATIVE := -std=gnu11 -O3 -march=native -ffp-contract=off -fno-math-errno -pthread -DGL_THREADS $(WARN)
CFLAGS_TEST := -std=gnu11 -O1 -g -march=native -ffp-contract=off -pthread -DGL_THREADS $(WARN)
# the test builds (C tests, the sanitized CLI) fail on any warning
WERROR := -Werror
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# WebAssembly: the same sources, a thin export layer, one MODULARIZE factory.
# GL_VBYTES=16: one v128 per vector; V8 has 16 SIMD registers on x64, and the
# 4x2 register tile of 32-byte vectors (16 accumulators) spills.
# -mbulk-memory: memcpy/memset as memory.copy/memory.fill instructions; without
# it the single-threaded module's libc sends every copy of 512 bytes or more out
# to JavaScript (emscripten_memcpy_big, a call into JS per copy: the conv
# layers' im2col rows and output maps, 12% of a conv training step and 20% of
# a recorded one in a profile).  -pthread implies it already; the same bits.
EMFLAGS := -O3 -msimd128 -mbulk-memory -DGL_VBYTES=16 -std=gnu11 $(WARN) \
  -sMODULARIZE=1 -sEXPORT_NAME=createGradLabModule -sENVIRONMENT=web,worker,node \
  -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=16MB -sMAXIMUM_MEMORY=2GB \
  -sEXPORTED_RUNTIME_METHODS=cwrap,UTF8ToString,stringToUTF8,lengthBytesUTF8 \
  -sFILESYSTEM=0 -sTOTAL_STACK=1MB

.PHONY: all native wasm site deps lint test test-c test-node test-browser bench serve dist icons clean

all: native wasm site

deps:
	@bash scripts/install-deps.sh

native: build/gradlab

build/gradlab: $(ENGINE) c_src/cli.c c_src/cli_sweep.c $(HEADERS)
	@mkdir -p build
	$(CC) $(CFLAGS_NATIVE) $(ENGINE) c_src/cli.c c_src/cli_sweep.c -lm -o $@

# the CLI under AddressSanitizer and UBSan, for the CLI suite with leak detection
build/gradlab_san: $(ENGINE) c_src/cli.c c_src/cli_sweep.c $(HEADERS)
	@mkdir -p build
	$(CC) $(CFLAGS_TEST) $(WERROR) $(SAN) $(ENGINE) c_src/cli.c c_src/cli_sweep.c -lm -o $@

wasm: build/site/engine/gradlab-engine.js build/site/engine/gradlab-engine-mt.js

# what both modules export: the GL_EXPORT lines of wasm_api.c, malloc and free
WASM_EXPORTS = -sEXPORTED_FUNCTIONS=$$(sed -n 's/^GL_EXPORT(\(gl[a-z_0-9]*\))/_\1/p' c_src/wasm_api.c | paste -sd, -),_malloc,_free

build/site/engine/gradlab-engine.js: $(ENGINE) c_src/wasm_api.c $(HEADERS)
	@mkdir -p build/site/engine
	$(EMCC) $(EMFLAGS) $(ENGINE) c_src/wasm_api.c -o $@ $(WASM_EXPORTS)

# The same engine on helper threads (pool.c): WebAssembly threads need a
# SharedArrayBuffer, which a page only gets when cross-origin isolated (the
# COOP/COEP headers of scripts/serve.mjs); gradlab.js falls back to the
# single-threaded module above everywhere else.  One helper Worker is started
# with the module; more start on demand.
build/site/engine/gradlab-engine-mt.js: $(ENGINE) c_src/wasm_api.c $(HEADERS)
	@mkdir -p build/site/engine
	$(EMCC) $(EMFLAGS) -pthread -DGL_THREADS -sPTHREAD_POOL_SIZE=1 $(ENGINE) c_src/wasm_api.c -o $@ \
	  $(WASM_EXPORTS)

# the served folder: web/ + engine + vendor assets from node_modules, then the
# service worker (Workbox precache list of the folder) and the .br/.gz copies
site: wasm
	node scripts/assemble-site.mjs build/site

# ---- tests -------------------------------------------------------------
build/test_gradcheck: $(ENGINE) tests/c/test_gradcheck.c tests/c/test_util.h $(HEADERS)
	@mkdir -p build
	$(CC) $(CFLAGS_TEST) $(WERROR) -DGL_DOUBLE $(ENGINE) tests/c/test_gradcheck.c -lm -o $@

# the other C tests, one rule per build: build/test_X from tests/c/test_X.c
# optimised as the engine ships; _san under AddressSanitizer and UBSan; _tsan
# (the helper threads of pool.c) under ThreadSanitizer; gradcheck in double
TEST_DEPS := $(ENGINE) tests/c/test_util.h $(HEADERS)
TEST_REAL = $(if $(findstring gradcheck,$@),-DGL_DOUBLE)

build/test_%_san: tests/c/test_%.c $(TEST_DEPS)
	@mkdir -p build
	$(CC) $(CFLAGS_TEST) $(WERROR) $(SAN) $(TEST_REAL) $(ENGINE) $< -lm -o $@

build/test_%_tsan: tests/c/test_%.c $(TEST_DEPS)
	@mkdir -p build
	$(CC) $(CFLAGS_TEST) $(WERROR) -fsanitize=thread $(TEST_REAL) $(ENGINE) $< -lm -o $@

build/test_%: tests/c/test_%.c $(TEST_DEPS)
	@mkdir -p build
	$(CC) $(CFLAGS_NATIVE) $(WERROR) -g $(TEST_REAL) $(ENGINE) $< -lm -o $@

test-c: build/test_gradcheck build/test_engine build/test_engine_san build/test_gradcheck_san \
        build/test_conv build/test_conv_san build/test_engine_tsan build/test_conv_tsan build/gradlab \
        build/gradlab_san build/test_sweep build/test_sweep_san build/test_meanfield \
        build/test_hist build/test_hist_san
	./build/test_gradcheck
	./build/test_engine
	./build/test_conv
	./build/test_sweep
	./build/test_meanfield
	./build/test_hist
	ASAN_OPTIONS=detect_leaks=1 ./build/test_engine_san --quick
	ASAN_OPTIONS=detect_leaks=1 ./build/test_gradcheck_san
	ASAN_OPTIONS=detect_leaks=1 ./build/test_conv_san --quick
	ASAN_OPTIONS=detect_leaks=1 ./build/test_sweep_san --quick
	ASAN_OPTIONS=detect_leaks=1 ./build/test_hist_san --quick
	TSAN_OPTIONS=halt_on_error=1 ./build/test_engine_tsan --quick
	TSAN_OPTIONS=halt_on_error=1 ./build/test_conv_tsan --quick
	bash tests/cli/test_cli.sh
	ASAN_OPTIONS=detect_leaks=1 GRADLAB=build/gradlab_san bash tests/cli/test_cli.sh

test-node: all
	node --test tests/node/

test-browser: all
	node --test --test-concurrency=1 tests/browser/

# ESLint (eslint.config.mjs) and tsc --checkJs --noEmit: tsconfig.json over every
# page and engine-wrapper file, tsconfig.strict.json with `strict` over the
# page's modules, tsconfig.engine.json with noImplicitAny over the Worker side;
# no warning passes
lint:
	npx eslint --max-warnings 0 web scripts tests eslint.config.mjs
	npx tsc -p tsconfig.json
	npx tsc -p tsconfig.strict.json
	npx tsc -p tsconfig.engine.json

test: deps
	$(MAKE) lint
	$(MAKE) all
	$(MAKE) test-c
	$(MAKE) test-node
	$(MAKE) test-browser

# ---- benchmarks, serving, distribution -----------------------------------
build/bench: $(ENGINE) tests/bench/bench.c $(HEADERS)
	@mkdir -p build
	$(CC) $(CFLAGS_NATIVE) $(ENGINE) tests/bench/bench.c -lm -o $@

# the WebAssembly SIMD128 multiply+add ceiling, printed next to the wasm lines
build/bench-peak.wasm: tests/bench/peak.c
	@mkdir -p build
	$(EMCC) -O3 -msimd128 tests/bench/peak.c -o $@ -sSTANDALONE_WASM --no-entry -sEXPORTED_FUNCTIONS=_peak

bench: deps all build/bench build/bench-peak.wasm
	./build/bench | tee build/bench-native.txt
	node tests/bench/bench_wasm.mjs --native build/bench-native.txt
	node tests/bench/bench_sweep.mjs
	node tests/bench/bench_conv_record.mjs
	node tests/bench/bench_conv_lesson.mjs
	node tests/bench/bench_browser.mjs
	node tests/bench/bench_load.mjs

serve: deps all
	node scripts/serve.mjs --port $(PORT)

dist: all
	node scripts/make-dist.mjs

icons:
	node scripts/render-icons.mjs

clean:
	rm -rf build dist
