# SPDX-License-Identifier: GPL-2.0
# Task isolation for Linux 7.3.4: workspace commands.  See README.md.
#
#   make demo                  build x86_64, boot it isolated, run the demo
#   make test                  everything CI runs (see tools-testing/harness/run-tests.sh)
#   make test-flavours         the guests CI has no time for: x86_64 rt, arm64 debian and rt
#   make tree | export | mbox  the patch queue <-> build/linux
#   make build ARCH=arm64 [DEBUG=1] [KCONFIG=tiny|debian|rt]
#   make boot ARCH=x86_64 SUITE=smoke [DEBUG=1] [KCONFIG=...]
#   make bench ARCH=x86_64 [KCONFIG=...] [DURATION=5] [STRESSORS=idle,textpatch]
#   make fastpath ARCH=x86_64 [KCONFIG=...]   entry code size, CONFIG_TASK_ISOLATION=y vs n
#   KCONFIG: tiny (default), debian or rt (Debian's own configurations)

ARCH ?= x86_64
SUITE ?= smoke
H := tools-testing/harness
KCONFIG ?= tiny
# The build flavour, build/<arch>[-FLAVOUR]: [debian|rt][-debug], or debug.
empty :=
FLAVOUR := $(subst $(empty) $(empty),-,$(strip $(filter-out tiny,$(KCONFIG)) \
	$(if $(filter 1 y yes,$(DEBUG)),debug)))

.PHONY: all deps base tree ensure-tree export mbox build boot demo bench fastpath test \
	test-flavours clean distclean

all: demo

deps:
	@$(H)/deps.sh

base: deps
	@$(H)/base-tree.sh

tree: base
	@$(H)/apply-series.sh && $(H)/b4-config.sh

# What build, boot, demo and test need: the series applied, unless
# build/linux holds commits not yet exported (then it is built as it is).
ensure-tree: base
	@$(H)/apply-series.sh --ensure && $(H)/b4-config.sh

export:
	@$(H)/export-series.sh && git status --short -- patches rust arch-x86 arch-arm64 Documentation tools-testing

mbox: ensure-tree
	@$(H)/make-mbox.sh

build: ensure-tree
	@$(H)/build-kernel.sh $(ARCH) $(FLAVOUR)

boot: build
	@$(H)/boot.sh $(ARCH) $(FLAVOUR) $(SUITE)

demo: build
	@$(H)/demo.sh $(ARCH) $(FLAVOUR)

bench: build
	@$(H)/bench.sh $(ARCH) $(FLAVOUR)

fastpath: ensure-tree
	@$(H)/fastpath-cost.sh $(ARCH) $(FLAVOUR)

test: ensure-tree
	@$(H)/run-tests.sh

# Debian's kernels that do not fit CI's 60 minutes next to make test's
# guests: about 25 minutes each on 2 cores, builds included.
test-flavours: ensure-tree
	@GUESTS="$${GUESTS:-x86_64:rt arm64:debian arm64:rt}" HOST_CHECKS=0 $(H)/run-tests.sh

clean:
	rm -rf build/x86_64 build/x86_64-* build/arm64 build/arm64-* build/results

distclean:
	rm -rf build
