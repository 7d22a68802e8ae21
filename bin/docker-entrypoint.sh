#!/bin/sh
# Container entry point: `web` (default), `worker`, or any allianceauth command.
set -e
case "${1:-web}" in
  web) exec node --import tsx server.ts ;;
  worker) exec node --import tsx bin/allianceauth.ts worker ;;
  *) exec node --import tsx bin/allianceauth.ts "$@" ;;
esac
