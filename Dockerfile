# syntax=docker/dockerfile:1
# Etjänst's production image: Debian (bookworm) with Python 3.11, the
# platform installed in /opt/etjanst, run by a user without privileges.
# Build:  docker build -t etjanst .
# Run:    see deploy/compose.yaml and docs/operations.md.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: install the wheels into a virtualenv ----------------------------
# Every dependency ships a manylinux wheel (psycopg[binary], cryptography,
# Pillow, …), so no compiler is installed here either.
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/etjanst
WORKDIR /build
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/etjanst/bin/pip install .

# --- the image ---------------------------------------------------------------
FROM ${PYTHON_IMAGE}
# WeasyPrint (PDF receipts) needs Pango and a font; pysaml2 needs xmlsec1.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core xmlsec1 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 etjanst \
 && useradd --system --uid 10001 --gid etjanst --home-dir /var/lib/etjanst --shell /usr/sbin/nologin etjanst \
 && install -d -o etjanst -g etjanst /var/lib/etjanst

COPY --from=build /opt/etjanst /opt/etjanst
ENV PATH=/opt/etjanst/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=etjanst.config.settings.production \
    ETJANST_VAR_DIR=/var/lib/etjanst \
    STATIC_ROOT=/opt/etjanst/static \
    PROMETHEUS_MULTIPROC_DIR=/tmp/etjanst-metrics \
    GUNICORN_WORKER_TMP_DIR=/dev/shm

# Static files are part of the image (WhiteNoise serves them). The key and
# database here exist only for this step; nothing of them stays in the image.
RUN SECRET_KEY="collectstatic-only-$(python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
    DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
    etjanst collectstatic --no-input -v0 \
 && rm -f /tmp/collectstatic.sqlite3

USER etjanst
WORKDIR /var/lib/etjanst
VOLUME ["/var/lib/etjanst"]
EXPOSE 8000
# Liveness: the web process answers (a worker container overrides this).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/halsa/', timeout=4)"]
CMD ["gunicorn", "-c", "python:etjanst.config.gunicorn", "etjanst.config.wsgi"]
