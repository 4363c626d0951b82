# Plumb's runtime image: the release binary (Swift runtime and Foundation linked in statically,
# scripts/build-release.sh) and the shared libraries it loads: libyaml and libsqlite3 (libc and
# libstdc++ are in the base image). Build:
#   docker build -t plumb .
#   docker run --rm -v "$PWD:/src" -w /src plumb check .
# The build stage compiles the release; the runtime stage keeps only the binary.

FROM swift:6.3-bookworm AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends libyaml-dev libsqlite3-dev pkg-config \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /plumb
COPY Package.swift Package.resolved ./
COPY Sources Sources
COPY Benchmarks Benchmarks
COPY Tests Tests
COPY scripts scripts
RUN scripts/build-release.sh --package \
  && mkdir /out && tar -xzf .build-release/plumb-linux-*.tar.gz -C /out plumb

FROM debian:bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends libyaml-0-2 libsqlite3-0 git ca-certificates \
  && rm -rf /var/lib/apt/lists/* \
  && useradd --create-home --uid 10001 plumb
COPY --from=build /out/plumb /usr/local/bin/plumb
USER plumb
WORKDIR /src
ENTRYPOINT ["plumb"]
CMD ["--help"]
