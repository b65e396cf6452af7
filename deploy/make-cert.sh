#!/bin/sh
# A self-signed TLS certificate for trying the compose stack locally (browsers will warn):
#   deploy/make-cert.sh [host] [dir]      # default: localhost, deploy/tls
# In production put the real certificate chain and key at <dir>/fullchain.pem and <dir>/privkey.pem.
set -eu
host=${1:-localhost}
dir=${2:-$(dirname "$0")/tls}
mkdir -p "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=$host" \
  -addext "subjectAltName=DNS:$host,DNS:localhost,IP:127.0.0.1" \
  -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" 2>/dev/null
chmod 600 "$dir/privkey.pem"
echo "make-cert: $dir/fullchain.pem and $dir/privkey.pem for $host"
