#!/bin/sh
# Container entry point: `web` (default), `worker`, or any allianceauth command.
set -e
case "${1:-web}" in
  web) exec node build/server.js ;;
  worker) exec node build/server.js worker ;;
  *) exec node build/server.js "$@" ;;
esac
