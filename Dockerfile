# syntax=docker/dockerfile:1
# Node 24 on Debian trixie: glibc 2.41, so the newest native uWebSockets.js build
# (@btc-vision/uwebsockets.js, needs glibc >= 2.38) loads instead of the older one.

FROM node:24-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY test ./test
COPY bench ./bench
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-trixie-slim
# jemalloc instead of glibc's malloc, as sharp recommends: libvips allocates from many threads and
# glibc's per-thread arenas fragment. Measured with `npm run soak` (10 min mixed load): glibc crept up
# to ~900 MiB (peak 1000 MiB), jemalloc plateaued at 350-450 MiB (see README, Performance).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libjemalloc2 \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s "$(find /usr/lib -name libjemalloc.so.2 | head -n 1)" /usr/local/lib/libjemalloc.so.2
ENV LD_PRELOAD=/usr/local/lib/libjemalloc.so.2 \
    NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    CACHE_DIR=/var/cache/pixproxy
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
RUN mkdir -p /var/cache/pixproxy && chown node:node /var/cache/pixproxy
USER node
EXPOSE 8080
VOLUME ["/var/cache/pixproxy"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
