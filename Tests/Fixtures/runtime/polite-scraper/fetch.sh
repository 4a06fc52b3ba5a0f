#!/bin/sh
# The fetch step of the polite scraper: one HTTP GET through curl. The runtime passes the
# binding as CPN_VAR_* variables (and as JSON on stdin); what this prints chooses the outcome:
# fetch_ok, or else fetch_failed while retries are left and give_up after the last one.
url="${SCRAPER_BASE_URL:?set SCRAPER_BASE_URL}/${CPN_VAR_t_domain}/${CPN_VAR_t_id}/${CPN_VAR_t_attempt}"
if curl -fsS -o /dev/null --max-time 4 "$url"; then
  echo fetch_ok
else
  echo fetch_failed give_up
fi
