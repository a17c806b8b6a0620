# warehouse-bot: the Telegram bot and its background jobs in one process.
#   docker build -t warehouse-bot .
#   docker run --env-file .env -v warehouse-data:/app/data warehouse-bot
# The image runs `warehouse-bot run` (migrate, then the bot) as an unprivileged user; the health check
# is `warehouse-bot check --quick` (configuration and database).

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY domain ./domain
COPY integrations ./integrations
COPY scheduler ./scheduler
COPY migrations ./migrations
RUN pip wheel --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl \
    && rm -rf /wheels \
    && useradd --system --create-home --uid 10001 --shell /usr/sbin/nologin bot \
    && mkdir -p /app/data \
    && chown bot:bot /app/data
WORKDIR /app
USER bot
# SQLite (the default DATABASE_URL) keeps ./data/warehouse.db here; with PostgreSQL it stays empty.
VOLUME ["/app/data"]
# Webhook mode listens on WEBHOOK_LISTEN (default 0.0.0.0:8080); long polling needs no port.
EXPOSE 8080
HEALTHCHECK --interval=60s --timeout=30s --start-period=60s --retries=3 \
    CMD ["warehouse-bot", "check", "--quick"]
# On SIGTERM, updates in flight and running jobs finish (bounded), then the leader lock is released.
CMD ["warehouse-bot", "run"]
