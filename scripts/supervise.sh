# Sourced by scripts/serve: keep a long-running process alive (the task worker, the loop of
# scheduled commands). The task worker exits when it loses its database (PostgreSQL restarted or
# failed over); started again once the database answers, it carries on with the queue, while
# gunicorn keeps serving pages.
# shellcheck shell=bash

# How long to wait before starting it again: 1 s, doubled after each quick exit up to
# RESTART_DELAY_MAX, and back to 1 s once it had run for RESTART_RESET_AFTER seconds.
RESTART_DELAY_MAX=${RESTART_DELAY_MAX:-30}
RESTART_RESET_AFTER=${RESTART_RESET_AFTER:-60}

# supervise NAME COMMAND [ARGUMENT...]: run the command, and whenever it exits log that (with
# its exit status) and run it again after the back-off. Run it in the background, as
# `supervise ... >>log 2>&1 &`: SIGTERM or SIGINT to that process stops the command (or the
# pause) and then the supervisor itself, leaving no process behind.
supervise() {
  local name=$1
  shift
  local delay=1 child= started status
  # A trap set here stays in this process: `supervise` runs in a background subshell.
  trap 'if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; fi; exit 0' TERM INT
  while true; do
    started=${EPOCHREALTIME//[!0-9]/}
    "$@" &
    child=$!
    status=0
    wait "$child" || status=$?
    # Microseconds (SECONDS counts clock ticks: a quick exit may straddle one).
    if ((${EPOCHREALTIME//[!0-9]/} - started >= RESTART_RESET_AFTER * 1000000)); then
      delay=1
    fi
    if [ "$status" -gt 128 ]; then
      status="$status (killed by SIG$(kill -l "$((status - 128))" 2>/dev/null || echo "$((status - 128))"))"
    fi
    echo "[$(date -u +%FT%TZ)] $name exited with status $status; starting it again in $delay s"
    sleep "$delay" &
    child=$!
    wait "$child" || true
    delay=$((delay * 2 > RESTART_DELAY_MAX ? RESTART_DELAY_MAX : delay * 2))
  done
}
