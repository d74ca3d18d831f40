# One image for every process of the Procfile: the command picks it.
#   docker run IMAGE            -> emcoach serve (web, the default)
#   docker run IMAGE clock      -> emcoach clock (exactly one per deployment)
#   docker run IMAGE migrate    -> emcoach migrate (release phase, before web and clock)
# compose.yaml runs all three beside Postgres. Runtime dependencies only, at the versions in
# constraints.txt; no test extra.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=3000

# A fixed, unprivileged uid: files the container writes on a mounted volume get a stable owner.
RUN useradd --create-home --uid 10001 --user-group emcoach

WORKDIR /src
COPY pyproject.toml README.md constraints.txt ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
# Installed into site-packages (migrations included as package data); the sources go.
RUN pip install --root-user-action=ignore -c constraints.txt . && cd / && rm -rf /src

# The working directory holds the default SQLite file (emcoach.db) and an optional .env; with
# DATABASE_URL pointing at Postgres (as in compose.yaml) nothing is written here.
RUN mkdir /data && chown emcoach:emcoach /data
WORKDIR /data
USER emcoach

EXPOSE 3000

# For the web process: /healthz is 200 when the database accepts a write. The clock and
# migrate processes serve no HTTP: compose.yaml turns this check off for them (with plain
# `docker run`, pass --no-healthcheck).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:${PORT:-3000}/healthz', timeout=4).status != 200)"

ENTRYPOINT ["emcoach"]
CMD ["serve"]
