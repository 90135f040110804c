# storyline: the commands of INTERFACE.md. Each target installs what is missing first.
BUILD      ?= build
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=
CTEST_ARGS ?=

.PHONY: all deps configure build demo test eval bench fuzz style tidy cross-arm64 clean

all: build

deps:
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The five seed articles in demo/: ingest them into a fresh store and print the stories.
demo: build
	@BUILD=$(BUILD) scripts/demo $(if $(SERVE),--serve,)

# The whole fast suite (unit, CLI, API and browser tests). Slow ones: `make eval`.
test: build
	@scripts/install-web-deps
	@cd $(BUILD) && ctest -L fast --output-on-failure -j $(JOBS) $(CTEST_ARGS)

# Quality figures on ../shared/data (prints them) and the slow tests.
eval: build
	@BUILD=$(BUILD) scripts/eval

# Speed figures against a floor, in one run.
bench: build
	@BUILD=$(BUILD) scripts/bench

fuzz: deps
	@scripts/fuzz

# clang-format and function sizes, as CI checks them.
style:
	@scripts/check-style

# clang-tidy with the project's .clang-tidy over src/ and tools/, as CI checks it.
tidy: build
	@scripts/check-tidy $(BUILD)

# Every library and CLI source compiled for arm64 with Debian's cross compiler (the
# scalar paths of src/core/simd.h); installs the cross compiler when missing.
cross-arm64: configure
	@scripts/cross-arm64 $(BUILD)

clean:
	rm -rf $(BUILD)
