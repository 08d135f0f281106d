#!/usr/bin/env bash
# Puts an intent on the itv event bus as a CI system, the alternative to calling the API (README, "Identity").
#
#   ITV_EVENT_SOURCE=itv.ci.growth ./put-intent.sh intents/change.json
#
# Run it with the credentials of the CI role the catalog registers for your automation principal (for
# example after aws-actions/configure-aws-credentials): the bus policy admits PutEvents only from registered
# CI roles, each under its own source, and the stack's rule hands events of detail-type "Intent Submitted"
# from registered sources to the intake function. The intent goes in `detail.intent`; nobody answers the
# event, so follow the intent with `itv list --status in-flight` / `itv watch ID` (its id is derived from its
# content, or the `id` it carries).
set -euo pipefail

intent_file=${1:?usage: put-intent.sh INTENT.json}
source=${ITV_EVENT_SOURCE:?set ITV_EVENT_SOURCE to the source the catalog registers for your CI principal}
bus=${ITV_EVENT_BUS:-itv}

# One entry: the bus, the source, the detail-type the rule matches, the intent as the detail's `intent`. It
# goes to the AWS CLI as a file: an intent the door accepts (up to 128 KiB) outgrows Linux's 128 KiB limit on a
# single argument once escaped into the entry.
entries=$(mktemp "${TMPDIR:-/tmp}/itv-put-intent.XXXXXX")
trap 'rm -f "$entries"' EXIT
jq -c --arg source "$source" --arg bus "$bus" \
  '[{EventBusName: $bus, Source: $source, DetailType: "Intent Submitted", Detail: ({intent: .} | tojson)}]' \
  "$intent_file" >"$entries"

answer=$(aws events put-events --entries "file://$entries" --output json)
echo "$answer"
# PutEvents answers 200 even when an entry is refused: FailedEntryCount says so.
if [ "$(jq -r '.FailedEntryCount' <<<"$answer")" != "0" ]; then
  echo "the bus refused the event: $(jq -c '.Entries' <<<"$answer")" >&2
  exit 1
fi
