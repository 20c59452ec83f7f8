# Coach as a container: `docker compose up` runs it with PostgreSQL (compose.yaml).
# Two stages: the first installs into a virtual environment from the lock file, the
# second copies only that environment onto a clean base and runs it as a non-root user.
# tests/test_deploy.py runs these same install commands in a clean virtual environment.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/coach
WORKDIR /src
# The pinned, hashed dependencies first: this layer is rebuilt only when the lock changes.
COPY requirements.lock ./
RUN /opt/coach/bin/pip install -r requirements.lock
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY storage ./storage
COPY prompts ./prompts
COPY slack_emulator ./slack_emulator
RUN /opt/coach/bin/pip install --no-deps .

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/coach/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=3000
RUN useradd --system --create-home --home-dir /home/coach --uid 10001 --user-group coach
COPY --from=build /opt/coach /opt/coach
# Numeric, so a platform that refuses root (Kubernetes runAsNonRoot) can check it.
USER 10001:10001
WORKDIR /home/coach
EXPOSE 3000
# One image, three processes (compose.yaml): `coach db upgrade`, `coach serve
# --no-scheduler` and `coach scheduler`. Alone, it serves with the scheduler in-process.
CMD ["coach", "serve"]
