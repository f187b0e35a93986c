#!/usr/bin/env python3
"""Live check of aigis-sim's prefix caching: the time to the first streamed token of a long prompt, cold and then
with its prefix cached, measured by a client over HTTP against a real aigis-sim process (real time, time-scale 1).

    python3 bench/sim/ttft_prefix.py BASE_URL [PROMPT_WORDS] [ROUNDS]
"""
import http.client, json, statistics, sys, time, urllib.parse

def first_token_ms(base, body):
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    start = time.perf_counter()
    conn.request("POST", "/v1/chat/completions", body=json.dumps(body), headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status}: {response.read()[:300]!r}")
    while True:
        line = response.readline()
        if not line:
            raise RuntimeError("stream ended before a token")
        if line.startswith(b"data: ") and b"[DONE]" not in line:
            elapsed = (time.perf_counter() - start) * 1000
            response.read()
            conn.close()
            return elapsed

def main():
    base = sys.argv[1]
    words = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    cold, warm = [], []
    for r in range(rounds):
        # A new system prompt each round: the first request is cold, the second (a new question) hits its prefix.
        system = " ".join(f"r{r}w{i}" for i in range(words))
        for question, sink in (("first question", cold), ("second question", warm)):
            body = {"model": "sim-llama-3-8b", "max_tokens": 1, "stream": True,
                    "messages": [{"role": "system", "content": system}, {"role": "user", "content": question}]}
            sink.append(first_token_ms(base, body))
    print(json.dumps({"prompt_words": words, "rounds": rounds,
                      "cold_ttft_ms_median": round(statistics.median(cold), 1),
                      "prefix_hit_ttft_ms_median": round(statistics.median(warm), 1),
                      "cold_ttft_ms": [round(x, 1) for x in cold], "prefix_hit_ttft_ms": [round(x, 1) for x in warm]}))

main()
