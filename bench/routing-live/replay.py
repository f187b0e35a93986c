#!/usr/bin/env python3
"""Replays a workload (DESIGN.md's JSON Lines) against a live gateway, open loop: each request is sent at its
arrival time (divided by the time scale), streamed, and its time to first token is measured from when it was due,
so a slow gateway or fleet cannot hide latency by sending later (no coordinated omission).

Segment text is generated from the segment id and token count (common single-token English words, chosen by a
hash of (id, position)), so requests sharing leading segments share a text prefix, as in the workload's meaning.

    python3 replay.py URL WORKLOAD TIME_SCALE RATE_SCALE [WORKERS]
RATE_SCALE multiplies the arrival rate (divides at_ms) before the time scale applies.
Prints one JSON line: requests, errors, ttft_p50_ms, ttft_p90_ms, ttft_p99_ms (simulated milliseconds), and
late_sends: requests that went out more than 10 ms (real) after they were due. Late sends mean the client, not the
gateway, was the bottleneck (too few workers for the requests in flight, or too little CPU): raise WORKERS or lower
TIME_SCALE until it is 0. A stream holds its worker to the end, so WORKERS must exceed the peak in flight.
"""
import concurrent.futures, hashlib, http.client, json, sys, threading, time, urllib.parse

WORDS = ("the of and to in is you that it he was for on are as with his they at be this have from or one had by "
         "word but not what all were we when your can said there use an each which she do how their if will up other "
         "about out many then them these so some her would make like him into time has look two more write go see "
         "number no way could people my than first water been call who oil its now find long down day did get come "
         "made may part over new sound take only little work know place year live me back give most very after thing "
         "our just name good sentence man think say great where help through much before line right too mean old any "
         "same tell boy follow came want show also around form three small set put end does another well large must").split()
_cache = {}
_lock = threading.Lock()

def segment_text(segment_id, tokens):
    key = (segment_id, tokens)
    with _lock:
        if key in _cache:
            return _cache[key]
    digest = hashlib.blake2b(segment_id.encode(), digest_size=8).digest()
    seed = int.from_bytes(digest, "little")
    words = []
    for i in range(tokens):
        seed = (seed * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        words.append(WORDS[(seed >> 33) % len(WORDS)])
    text = " " + " ".join(words)
    with _lock:
        _cache[key] = text
    return text

LATE_S = 0.010
late = []

def send(url, request, due, start, time_scale):
    delay = start + due - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
    elif -delay > LATE_S:
        late.append(-delay)
    prompt = "".join(segment_text(s["id"], s["tokens"]) for s in request["prompt"])
    payload = {"model": "sim-llama-3-8b", "stream": True, "max_tokens": request["max_tokens"],
               "messages": [{"role": "user", "content": prompt}]}
    if "session" in request:
        payload["user"] = request["session"]  # OpenAI's end-user id: consistent-hash's default key (body:user)
    body = json.dumps(payload)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
    try:
        conn.request("POST", "/v1/chat/completions", body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        if response.status != 200:
            response.read()
            return None
        ttft = None
        while True:
            line = response.readline()
            if not line:
                break
            if ttft is None and line.startswith(b"data: "):
                ttft = (time.perf_counter() - (start + due)) * 1000 * time_scale
        return ttft
    except OSError:
        return None
    finally:
        conn.close()

def main():
    url = urllib.parse.urlparse(sys.argv[1])
    requests = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
    time_scale, rate_scale = float(sys.argv[3]), float(sys.argv[4])
    workers = int(sys.argv[5]) if len(sys.argv) > 5 else 1024
    # Warm the text cache so generation time does not delay sends.
    for r in requests:
        for s in r["prompt"]:
            segment_text(s["id"], s["tokens"])
    start = time.perf_counter() + 1.0
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(send, url, r, r["at_ms"] / rate_scale / time_scale / 1000, start, time_scale) for r in requests]
        results = [f.result() for f in futures]
    ttfts = sorted(t for t in results if t is not None)
    pick = lambda q: round(ttfts[min(len(ttfts) - 1, int(q * len(ttfts)))], 1)
    print(json.dumps({"requests": len(results), "errors": sum(1 for t in results if t is None),
                      "ttft_p50_ms": pick(0.5), "ttft_p90_ms": pick(0.9), "ttft_p99_ms": pick(0.99), "late_sends": len(late)}))

main()
