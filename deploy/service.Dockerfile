# syntax=docker/dockerfile:1.7
# One image recipe for every miniature. Build from the repository root:
#   docker build -f deploy/service.Dockerfile --build-arg SERVICE=object-store -t scale-models/object-store .
# SERVICE is the folder under services/ (package @scale-models/<SERVICE>). The image runs
# src/bin/server.ts; a miniature with more processes overrides the command per container
# (`command: ["src/bin/storage-node.ts"]`). See docs/dockerfile.md.

ARG NODE_IMAGE=node:24-slim

# ---- build: production dependencies of SERVICE and of the workspace packages it uses ----
FROM ${NODE_IMAGE} AS build
# The version root package.json names in "packageManager".
ARG PNPM_VERSION=12.4.2
RUN npm install --global --no-fund --no-audit "pnpm@${PNPM_VERSION}"
WORKDIR /repo

# The lockfile alone decides what is downloaded, so this layer survives source edits. pnpm
# hashes the patch files pnpm-workspace.yaml names (patchedDependencies), so they come too.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
COPY patches ./patches
RUN --mount=type=cache,id=pnpm-store,target=/pnpm-store \
    pnpm fetch --prod --store-dir /pnpm-store

COPY . .
ARG SERVICE
RUN test -n "${SERVICE}" || { echo 'build with --build-arg SERVICE=<folder under services/>' >&2; exit 1; }
# --filter-prod follows dependencies, not devDependencies (testkit would pull in testcontainers).
# Not `pnpm deploy`: it copies workspace packages into node_modules, and Node refuses to strip
# types from .ts files under node_modules. A filtered install links them instead, so
# @scale-models/* resolve to packages/*/src as in development.
RUN --mount=type=cache,id=pnpm-store,target=/pnpm-store \
    pnpm install --offline --frozen-lockfile --prod --store-dir /pnpm-store \
      --filter-prod "@scale-models/${SERVICE}..."
# Keep the service and the shared packages; drop other miniatures, tests and tooling.
RUN find services -mindepth 1 -maxdepth 1 ! -name "${SERVICE}" -exec rm -rf {} + \
    && rm -rf tests tools scripts .ci packages/*/test "services/${SERVICE}/test" "services/${SERVICE}/bench"

# ---- runtime: node, the pruned tree, nothing else ----
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
# The port the service listens on; its config reads PORT, the health check probes it.
ARG PORT=8080
ENV NODE_ENV=production \
    PORT=${PORT}
COPY --from=build --chown=node:node /repo /app
# --import resolves from the working directory, where the service's node_modules links
# @scale-models/telemetry.
WORKDIR /app/services/${SERVICE}
USER node
EXPOSE ${PORT}

# slim images have no curl or wget: Node's own fetch probes /healthz.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Telemetry loads first so its instrumentations can patch pg, kafkajs, fastify as they load.
ENTRYPOINT ["node", "--import", "@scale-models/telemetry/register"]
CMD ["src/bin/server.ts"]
