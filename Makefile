# The two commands of a fresh machine: `make demo` (everything, without Docker) and `make test`.
# Each target installs what is missing first, so no step has to be done by hand.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(CURDIR)/.toolchain/node/node_modules/.bin:$(PATH)

# With a Docker engine, the testkit starts containers itself; without one, scripts/infra starts
# local servers and their URLs are exported from .infra/env.
DOCKER_ENGINE := $(shell timeout 5 docker info >/dev/null 2>&1 && echo yes)
WITH_INFRA := $(if $(DOCKER_ENGINE),true,source .infra/env)

.PHONY: toolchain deps infra down test check demo bench

toolchain:
	@scripts/toolchain.sh

deps: toolchain
	pnpm install --frozen-lockfile

infra:
ifeq ($(DOCKER_ENGINE),yes)
	@echo "Docker engine found: tests start their own containers (testcontainers)."
else
	scripts/infra/up
endif

down:
	scripts/infra/down

test: deps infra
	$(WITH_INFRA) && pnpm test

check: deps
	pnpm typecheck
	pnpm lint
	pnpm --filter @scale-models/compose-check check

# The tour needs long-running servers either way: compose starts them where Docker runs.
demo: deps
ifeq ($(DOCKER_ENGINE),yes)
	scripts/infra/compose-up
else
	scripts/infra/up
endif
	source .infra/env && pnpm demo

# The codec benchmark compares with a native addon; node-gyp cannot download Node's headers
# here, but the toolchain's node package ships them.
NODE_HEADERS := $(wildcard $(CURDIR)/.toolchain/node/node_modules/node/node_modules/node-linux-*)

bench: deps infra
	$(if $(NODE_HEADERS),npm_config_nodedir=$(firstword $(NODE_HEADERS)) pnpm rebuild @ronomon/reed-solomon || true)
	$(WITH_INFRA) && pnpm bench
