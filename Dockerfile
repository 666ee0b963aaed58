# pocketchain in a container. One node:
#   docker build -t pocketchain . && docker run -p 127.0.0.1:5000:5000 pocketchain
# A 3-node devnet: docker compose up --build (compose.yaml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

COPY pyproject.toml README.md /tmp/pocketchain/
COPY src /tmp/pocketchain/src
RUN pip install /tmp/pocketchain && rm -rf /tmp/pocketchain

# The default data directory (~/.pocketchain) exists before a volume mounts there, so a new
# volume takes its owner: the node runs as this user, not as root.
RUN useradd --create-home --uid 10001 pocketchain \
    && mkdir /home/pocketchain/.pocketchain \
    && chown pocketchain:pocketchain /home/pocketchain/.pocketchain
USER pocketchain
WORKDIR /home/pocketchain
VOLUME /home/pocketchain/.pocketchain

EXPOSE 5000
ENTRYPOINT ["pocketchain"]
CMD ["node", "--host", "0.0.0.0", "--public-url", "http://node0:5000"]
