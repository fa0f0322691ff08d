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

# Dependencies only (read from pyproject.toml), cached until pyproject.toml changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY shared ./shared
COPY services ./services
COPY deploy ./deploy
COPY --from=web-assets /assets/node_modules ./services/web/static-src/node_modules
RUN pip install --no-deps . \
    && useradd --create-home --uid 10001 cjp \
    && mkdir -p /app/data && chown cjp /app/data

USER cjp
EXPOSE 8000 8001 8002 8003 8080
# Every service answers GET /health once ready; compose and Kubernetes probe it.
CMD ["python", "-m", "services.gateway"]
