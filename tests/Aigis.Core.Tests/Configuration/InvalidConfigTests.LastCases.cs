namespace Aigis.Core.Tests.Configuration;

/// <summary>More invalid configs for <see cref="InvalidConfigTests"/>, split off to keep each file readable.</summary>
public sealed partial class InvalidConfigTests
{
    public static TheoryData<string, string, int, int, string> LastCases => new()
    {
        {
            "bad hash key source",
            """
            |services:
            |  - name: a
            |    balancing: {hashKey: cookie:sid}
            """,
            3, 26, "'cookie:sid' is not a key source; write header:NAME"
        },
        {
            "stale bound shorter than the scrape interval",
            """
            |services:
            |  - name: a
            |    balancing: {scrapeInterval: 5s, staleAfter: 1s}
            """,
            3, 16, "staleAfter (1s) is shorter than scrapeInterval (5s)"
        },
        {
            "unknown admission key with suggestion",
            """
            |services:
            |  - name: a
            |    admission:
            |      maxLimt: 20
            """,
            4, 7, "unknown key 'maxLimt' in services[a].admission; did you mean 'maxLimit'?"
        },
        {
            "admission algorithm unknown",
            """
            |services:
            |  - name: a
            |    admission: {algorithm: vegas}
            """,
            3, 28, "services[a].admission.algorithm: unknown value 'vegas'"
        },
        {
            "admission enabled is not a boolean",
            """
            |services:
            |  - name: a
            |    admission: {enabled: yes}
            """,
            3, 26, "services[a].admission.enabled: unknown value 'yes'"
        },
        {
            "admission smoothing out of range",
            """
            |services:
            |  - name: a
            |    admission: {smoothing: 2}
            """,
            3, 28, "services[a].admission.smoothing must be between 0.01 and 1, not 2"
        },
        {
            "admission growth that is not a function",
            """
            |services:
            |  - name: a
            |    admission: {growth: cubic}
            """,
            3, 25, "'cubic' is not a growth; write sqrt, log10, or a whole number"
        },
        {
            "admission min above max",
            """
            |services:
            |  - name: a
            |    admission: {minLimit: 50, maxLimit: 10}
            """,
            3, 16, "minLimit (50) is above maxLimit (10)"
        },
        {
            "unknown cache key with suggestion",
            """
            |services:
            |  - name: a
            |    kind: llm
            |    models: [m]
            |    cache:
            |      scpe: shared
            """,
            6, 7, "unknown key 'scpe' in services[a].cache; did you mean 'scope'?"
        },
        {
            "cache scope unknown",
            """
            |services:
            |  - name: a
            |    kind: llm
            |    models: [m]
            |    cache: {enabled: true, scope: global}
            """,
            5, 35, "services[a].cache.scope: unknown value 'global'"
        },
        {
            "cache on an http service",
            """
            |services:
            |  - name: a
            |    cache: {enabled: true}
            """,
            3, 12, "services[a].cache: the response cache applies only to kind: llm services"
        },
        {
            "cache entry bound above the whole bound",
            """
            |services:
            |  - name: a
            |    kind: llm
            |    models: [m]
            |    cache: {maxBytes: 1MiB, maxEntryBytes: 2MiB}
            """,
            5, 12, "maxEntryBytes (2MiB) is above maxBytes (1MiB)"
        },
        {
            "cache ttl zero",
            """
            |services:
            |  - name: a
            |    kind: llm
            |    models: [m]
            |    cache: {ttl: 0s}
            """,
            5, 18, "services[a].cache.ttl must be between 1s and 30d, not 0s"
        },
        {
            "admission initial limit outside the bounds",
            """
            |services:
            |  - name: a
            |    admission: {initialLimit: 500}
            """,
            3, 16, "initialLimit (500) must be between minLimit (1) and maxLimit (200)"
        },
        {
            "admission queue wait zero",
            """
            |services:
            |  - name: a
            |    admission:
            |      queue: {maxSize: 10, maxWait: 0s}
            """,
            4, 37, "services[a].admission.queue.maxWait must be between 1ms and 10m, not 0s"
        },
        {
            "admission queue size negative",
            """
            |services:
            |  - name: a
            |    admission:
            |      queue: {maxSize: -1}
            """,
            4, 24, "services[a].admission.queue.maxSize must be between 0 and 100000, not -1"
        },
        {
            "unknown timeouts key",
            """
            |services:
            |  - name: a
            |    timeouts:
            |      idel: 5s
            """,
            4, 7, "unknown key 'idel' in services[a].timeouts; did you mean 'idle'?"
        },
        {
            "shutdown timeout too short",
            """
            |gateway:
            |  shutdownTimeout: 10ms
            """,
            2, 20, "gateway.shutdownTimeout must be between 100ms and 1h, not 10ms"
        },
        {
            "unknown auth mode",
            """
            |gateway:
            |  auth: optional
            """,
            2, 9, "gateway.auth: unknown value 'optional'"
        },
        {
            "in-memory store",
            """
            |store:
            |  path: ":memory:"
            """,
            2, 9, "store.path: an in-memory database would lose every key at restart"
        },
        {
            "store path naming a directory",
            """
            |store: {path: ./data/}
            """,
            1, 15, "store.path: './data/' names a directory"
        },
        {
            "unknown store key",
            """
            |store:
            |  pth: x.db
            """,
            2, 3, "unknown key 'pth' in store; did you mean 'path'?"
        },
        {
            "unknown token encoding",
            """
            |usage:
            |  encoding: o200
            """,
            2, 13, "usage.encoding: unknown value 'o200'; did you mean 'o200k'?"
        },
        {
            "negative price",
            """
            |usage:
            |  models:
            |    gpt-4o: {input: -1}
            """,
            3, 21, "usage.models[gpt-4o].input"
        },
        {
            "bad model pattern",
            """
            |usage:
            |  models:
            |    "gpt 4o": {input: 1}
            """,
            3, 5, "usage.models[gpt 4o]: 'gpt 4o' has the character ' '"
        },
        {
            "unknown usage rule key",
            """
            |usage:
            |  models:
            |    gpt-4o: {inputt: 1}
            """,
            3, 14, "unknown key 'inputt' in usage.models[gpt-4o]; did you mean 'input'?"
        },
        {
            "jwt without audience",
            """
            |jwt:
            |  issuer: https://idp
            |  secretFile: s
            """,
            2, 3, "jwt: issuer and audience are both required"
        },
        {
            "jwt with two key sources",
            """
            |jwt:
            |  issuer: https://idp
            |  audience: aigis
            |  secretFile: s
            |  jwksFile: k.json
            """,
            2, 3, "jwt: give exactly one of secretFile"
        },
        {
            "jwt clock skew too large",
            """
            |jwt:
            |  issuer: https://idp
            |  audience: aigis
            |  secretFile: s
            |  clockSkew: 1h
            """,
            5, 14, "jwt.clockSkew"
        },
    };
}
