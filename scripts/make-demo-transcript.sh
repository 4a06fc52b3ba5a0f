#!/usr/bin/env bash
# Regenerates examples/polite-scraper/draft-session.jsonl, the transcript `make demo`
# replays to show draft → repair → verified offline.
#
# The session is WRITTEN FOR THE DEMO with a scripted fake model, NOT recorded from a real
# model: Tests/CLITests/DemoTranscriptTests.swift starts the fake OpenAI-compatible server
# (CPNFakeLLM) on 127.0.0.1, scripts two replies (round 1: the example net with the
# politeness join left out of start_fetch, which verify rejects with a counterexample;
# round 2: examples/polite-scraper/net.yaml) and runs the real `cpn-author draft` against
# it with `--transcript-note`, which writes that statement as the file's first line.
#
# Usage: scripts/make-demo-transcript.sh [--scratch-path DIR]   (extra args go to swift test)
set -euo pipefail
cd "$(dirname "$0")/.."
CPN_REGENERATE_DEMO_TRANSCRIPT=1 swift test "$@" --filter 'DemoTranscriptTests'
head -c 300 examples/polite-scraper/draft-session.jsonl; echo
