# syntax=docker/dockerfile:1
# One image for the three services; the command picks the service:
#   node dist/apps/config-service/apps/config-service/src/main.js [migrate]
#   node dist/apps/router-service/apps/router-service/src/main.js
#   node dist/apps/delivery-service/apps/delivery-service/src/main.js
# Build: docker build -t postback-platform .

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: all dependencies, compile the three services -------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV SCARF_ANALYTICS=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
# patch-package (postinstall) applies patches/ to kafkajs: see docs/performance.md.
COPY patches ./patches
RUN npm ci
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build

# ---- production: runtime dependencies and the compiled output only ---------------------------
FROM ${NODE_IMAGE} AS production
WORKDIR /app
ENV NODE_ENV=production \
    SCARF_ANALYTICS=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    # The services listen on 127.0.0.1 by default; in a container they must listen on all interfaces.
    HOST=0.0.0.0
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
# The image's `node` user (uid/gid 1000), given numerically so Kubernetes can verify runAsNonRoot.
# Nothing under /app is writable by it: the root filesystem can be mounted read-only.
USER 1000:1000
EXPOSE 3000 3001 3002
# Exec form: node runs as PID 1 and gets SIGTERM itself (the services close Kafka and MySQL on it).
CMD ["node", "dist/apps/config-service/apps/config-service/src/main.js"]
