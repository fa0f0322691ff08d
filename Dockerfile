# One image for every part of the platform; the command picks the service, e.g.
#   docker run cjp python -m services.deliverables
# Dependencies are installed in their own layer so code changes rebuild in seconds.

FROM node:20-slim AS web-assets
WORKDIR /assets
COPY services/web/static-src/package.json services/web/static-src/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CJP_ENVIRONMENT=production \
    CJP_LOG_FORMAT=json \
    CJP_DATA_DIR=/app/data
WORKDIR /app

# Dependencies only, exactly as locked (every version pinned, every file's hash checked), cached
# until the lock changes. The lock holds production's dependencies only: no broker, no SMTP sink.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY shared ./shared
COPY services ./services
COPY deploy ./deploy
COPY pyproject.toml ./
COPY --from=web-assets /assets/node_modules ./services/web/static-src/node_modules
RUN pip install --no-deps . \
    && groupadd --gid 10001 cjp && useradd --create-home --uid 10001 --gid 10001 cjp \
    && mkdir -p /app/data && chown cjp:cjp /app/data

# Numeric, so Kubernetes can tell it is not root (runAsNonRoot) without reading /etc/passwd.
USER 10001:10001
EXPOSE 8000 8001 8002 8003 8080
# Every service answers GET /health/live and /health/ready; compose and Kubernetes probe them.
CMD ["python", "-m", "services.gateway"]
