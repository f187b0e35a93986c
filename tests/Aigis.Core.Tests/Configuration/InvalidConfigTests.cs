using Aigis.Core.Configuration;

namespace Aigis.Core.Tests.Configuration;

/// <summary>
/// Each invalid config must yield its own message at the line and column where the user has to look.
/// Configs are written with a leading '|' margin so that columns in the test read as they do in the file.
/// </summary>
public sealed class InvalidConfigTests
{
    public static TheoryData<string, string, int, int, string> Cases => new()
    {
        {
            "unknown root key with suggestion",
            """
            |gateway: {}
            |servces: []
            """,
            2, 1, "unknown key 'servces'; did you mean 'services'?"
        },
        {
            "unknown gateway key with suggestion",
            """
            |gateway:
            |  maxBodySze: 1MiB
            """,
            2, 3, "unknown key 'maxBodySze' in gateway; did you mean 'maxBodySize'?"
        },
        {
            "unknown service key far from any",
            """
            |services:
            |  - name: chat
            |    colour: blue
            """,
            3, 5, "unknown key 'colour' in services[chat]; expected one of: name, kind, models"
        },
        {
            "services is a section, not a list",
            """
            |services:
            |  chat: {}
            """,
            2, 3, "services must be a list (e.g. - name: chat), not a section"
        },
        {
            "gateway is a list",
            """
            |gateway: [a]
            """,
            1, 10, "gateway must be a section of keys, not a list"
        },
        {
            "duplicate service names",
            """
            |services:
            |  - name: chat
            |  - name: chat
            """,
            3, 11, "services[1].name: duplicate service name 'chat' (first defined at line 2)"
        },
        {
            "model claimed by two services",
            """
            |services:
            |  - name: a
            |    kind: llm
            |    models: [llama, qwen]
            |  - name: b
            |    kind: llm
            |    models: [mistral, qwen]
            """,
            7, 23, "services[b]: model 'qwen' is already served by service 'a'; a model name routes to one service"
        },
        {
            "instance url with a bad scheme",
            """
            |services:
            |  - name: a
            |    instances:
            |      - url: ftp://10.0.0.1/x
            """,
            4, 14, "services[a].instances[0].url: 'ftp://10.0.0.1/x' is not an http or https URL"
        },
        {
            "instance url that is not a url",
            """
            |services:
            |  - name: a
            |    instances: [not a url]
            """,
            3, 17, "services[a].instances[0]: 'not a url' is not an http or https URL"
        },
        {
            "instance url with a query",
            """
            |services:
            |  - name: a
            |    instances: ["http://127.0.0.1:9000/?x=1"]
            """,
            3, 17, "must not have a query or fragment"
        },
        {
            "duration without unit",
            """
            |services:
            |  - name: a
            |    timeouts:
            |      connect: 5
            """,
            4, 16, "services[a].timeouts.connect: '5' has no unit; write it as e.g. 5s or 5ms"
        },
        {
            "duration with unknown unit",
            """
            |services:
            |  - name: a
            |    timeouts:
            |      idle: 5 minutes
            """,
            4, 13, "has an unknown unit 'minutes'; use us, ms, s, m, h or d"
        },
        {
            "duration out of range",
            """
            |services:
            |  - name: a
            |    timeouts:
            |      connect: 10m
            """,
            4, 16, "services[a].timeouts.connect must be between 1ms and 5m, not 10m"
        },
        {
            "size with unknown unit",
            """
            |gateway:
            |  maxBodySize: 1 megabyte
            """,
            2, 16, "gateway.maxBodySize: '1 megabyte' has an unknown unit 'megabyte'"
        },
        {
            "size that is not a number",
            """
            |gateway:
            |  maxBodySize: lots
            """,
            2, 16, "gateway.maxBodySize: 'lots' is not a size"
        },
        {
            "size too small",
            """
            |gateway:
            |  maxBodySize: 10B
            """,
            2, 16, "gateway.maxBodySize must be between 1KiB and 1GiB, not 10B"
        },
        {
            "unknown balancer with suggestion",
            """
            |services:
            |  - name: a
            |    balancer: round-robbin
            """,
            3, 15, "services[a].balancer: unknown value 'round-robbin'; did you mean 'round-robin'?"
        },
        {
            "unknown kind with suggestion",
            """
            |services:
            |  - name: a
            |    kind: lm
            """,
            3, 11, "services[a].kind: unknown value 'lm'; did you mean 'llm'?"
        },
        {
            "models is a scalar, not a list",
            """
            |services:
            |  - name: a
            |    kind: llm
            |    models: llama
            """,
            4, 13, "services[a].models must be a list (e.g. [llama-3-8b-instruct]), not 'llama'"
        },
        {
            "llm service without models",
            """
            |services:
            |  - name: a
            |    kind: llm
            """,
            3, 11, "services[a]: an llm service needs 'models'"
        },
        {
            "http service with models",
            """
            |services:
            |  - name: a
            |    kind: http
            |    models: [x]
            """,
            4, 13, "services[a]: 'models' applies only to kind: llm"
        },
        {
            "service without a name",
            """
            |services:
            |  - kind: http
            """,
            2, 5, "services[0]: every service needs a 'name'"
        },
        {
            "service name not a DNS label",
            """
            |services:
            |  - name: Chat_Small
            """,
            2, 11, "services[0].name: 'Chat_Small' is not a valid service name"
        },
        {
            "service name is a list",
            """
            |services:
            |  - name: [a, b]
            """,
            2, 11, "services[0].name must be a single value, not a list"
        },
        {
            "empty value",
            """
            |gateway:
            |  listen:
            """,
            2, 10, "gateway.listen has no value"
        },
        {
            "admin shares the public listener",
            """
            |gateway:
            |  listen: http://127.0.0.1:9000
            |  admin: http://127.0.0.1:9000
            """,
            3, 10, "gateway.admin must not share the public listener (http://127.0.0.1:9000)"
        },
        {
            "listener with a path",
            """
            |gateway:
            |  listen: http://127.0.0.1:9000/api
            """,
            2, 11, "gateway.listen: a listener has no path; write it as http://127.0.0.1:9000"
        },
        {
            "listener on a host name",
            """
            |gateway:
            |  listen: http://example.com:9000
            """,
            2, 11, "gateway.listen: listen on an IP address (e.g. 127.0.0.1 or 0.0.0.0), not the host name 'example.com'"
        },
        {
            "duplicate instance ids",
            """
            |services:
            |  - name: a
            |    instances:
            |      - {id: gpu-1, url: "http://127.0.0.1:9001"}
            |      - {id: gpu-1, url: "http://127.0.0.1:9002"}
            """,
            5, 9, "services[a].instances[1]: duplicate instance id 'gpu-1'"
        },
        {
            "instance without url",
            """
            |services:
            |  - name: a
            |    instances:
            |      - id: gpu-1
            """,
            4, 9, "services[a].instances[0]: an instance needs a 'url'"
        },
        {
            "runtime not yet available",
            """
            |services:
            |  - name: a
            |    runtime: docker
            """,
            3, 14, "services[a].runtime: 'docker' is not available in this version yet; use 'static'"
        },
        {
            "unknown runtime with suggestion",
            """
            |services:
            |  - name: a
            |    runtime: statik
            """,
            3, 14, "services[a].runtime: unknown value 'statik'; did you mean 'static'?"
        },
        {
            "broken YAML",
            """
            |gateway:
            |  listen: [http://127.0.0.1:9000
            |services: []
            """,
            2, 11, "invalid YAML: the document is malformed after this point"
        },
        {
            "badly indented YAML",
            "gateway:\n  listen: a\n bad: b\n",
            3, 2, "invalid YAML: While parsing a block mapping, did not find expected key."
        },
        {
            "root is a list",
            """
            |- gateway
            """,
            1, 1, "the config must be a section of keys"
        },
        {
            "two documents",
            """
            |gateway: {}
            |---
            |services: []
            """,
            3, 1, "the config must be one YAML document"
        },
        {
            "runtime process without a process section",
            """
            |services:
            |  - name: chat
            |    runtime: process
            """,
            3, 14, "services[chat]: runtime: process needs a 'process' section"
        },
        {
            "process section without a command",
            """
            |services:
            |  - name: chat
            |    runtime: process
            |    process:
            |      args: [--port, "{port}"]
            """,
            5, 7, "services[chat].process: a process needs a 'command'"
        },
        {
            "unknown process key with suggestion",
            """
            |services:
            |  - name: chat
            |    runtime: process
            |    process:
            |      command: aigis-sim
            |      args: [--port, "{port}"]
            |      replica: 3
            """,
            7, 7, "unknown key 'replica' in services[chat].process; did you mean 'replicas'?"
        },
        {
            "replicas out of range",
            """
            |services:
            |  - name: chat
            |    runtime: process
            |    process: {command: aigis-sim, args: [--port, "{port}"], replicas: 65}
            """,
            4, 71, "services[chat].process.replicas must be between 1 and 64, not 65"
        },
        {
            "zero replicas",
            """
            |services:
            |  - name: chat
            |    runtime: process
            |    process:
            |      command: aigis-sim
            |      args: [--port, "{port}"]
            |      replicas: 0
            """,
            7, 17, "services[chat].process.replicas must be between 1 and 64, not 0"
        },
        {
            "instances together with runtime process",
            """
            |services:
            |  - name: chat
            |    runtime: process
            |    process: {command: aigis-sim, args: [--port, "{port}"]}
            |    instances: [http://127.0.0.1:9000]
            """,
            5, 5, "services[chat]: 'instances' cannot be combined with runtime: process"
        },
        {
            "process section with runtime static",
            """
            |services:
            |  - name: chat
            |    runtime: static
            |    process: {command: aigis-sim, args: [--port, "{port}"]}
            """,
            4, 5, "services[chat]: 'process' applies only to runtime: process; add 'runtime: process' or remove the section"
        },
        {
            "process section with the default runtime",
            """
            |services:
            |  - name: chat
            |    process: {command: aigis-sim, args: [--port, "{port}"]}
            """,
            3, 5, "services[chat]: 'process' applies only to runtime: process"
        },
        {
            "placeholder without quotes",
            """
            |services:
            |  - name: chat
            |    runtime: process
            |    process:
            |      command: aigis-sim
            |      args: [--port, {port}]
            """,
            6, 22, "services[chat].process.args[1]: write \"{port}\" in quotes; without them YAML reads {port} as a section"
        },
        {
            "command never told its port",
            """
            |services:
            |  - name: chat
            |    runtime: process
            |    process:
            |      command: my-server
            |      args: [--port, "8000"]
            """,
            6, 13, "services[chat].process: pass \"{port}\" to the command in 'args'"
        },
        {
            "start timeout out of range",
            """
            |services:
            |  - name: chat
            |    runtime: process
            |    process:
            |      command: aigis-sim
            |      args: [--port, "{port}"]
            |      startTimeout: 20m
            """,
            7, 21, "services[chat].process.startTimeout must be between 1s and 10m, not 20m"
        },
        {
            "health path without a slash",
            """
            |services:
            |  - name: chat
            |    runtime: process
            |    process:
            |      command: aigis-sim
            |      args: [--port, "{port}"]
            |      healthPath: health
            """,
            7, 19, "services[chat].process.healthPath: 'health' is not a path; write it as /health"
        },
        {
            "environment variable with a bad name",
            """
            |services:
            |  - name: chat
            |    runtime: process
            |    process:
            |      command: aigis-sim
            |      args: [--port, "{port}"]
            |      env: {MODEL-DIR: /models}
            """,
            7, 13, "services[chat].process.env: 'MODEL-DIR' is not a variable name"
        },
        {
            "args is a single value",
            """
            |services:
            |  - name: chat
            |    runtime: process
            |    process:
            |      command: aigis-sim
            |      args: --port {port}
            """,
            6, 13, "services[chat].process.args must be a list (e.g. [--port, \"{port}\"]), not '--port {port}'"
        },
        {
            "unknown balancing key with suggestion",
            """
            |services:
            |  - name: a
            |    balancing:
            |      prefixWieght: 2
            """,
            4, 7, "unknown key 'prefixWieght' in services[a].balancing; did you mean 'prefixWeight'?"
        },
        {
            "balancing weight that is not a number",
            """
            |services:
            |  - name: a
            |    balancing: {queueWeight: lots}
            """,
            3, 30, "services[a].balancing.queueWeight must be a number, not 'lots'"
        },
        {
            "load factor out of range",
            """
            |services:
            |  - name: a
            |    balancing: {loadFactor: 0.5}
            """,
            3, 29, "services[a].balancing.loadFactor must be between 1 and 10, not 0.5"
        },
        {
            "negative prefill load weight",
            """
            |services:
            |  - name: a
            |    balancing: {prefillLoadWeight: -1}
            """,
            3, 36, "services[a].balancing.prefillLoadWeight must be between 0 and 1000, not -1"
        },
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

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reports_the_problem_where_it_is(string description, string yaml, int line, int column, string message)
    {
        var result = ConfigLoader.LoadText(Unmargin(yaml), "test.yaml");

        Assert.False(result.IsValid, description);
        Assert.Null(result.Config);
        Assert.Contains(result.Errors, e => e.Line == line && e.Column == column && e.Message.Contains(message, StringComparison.Ordinal));
        var error = result.Errors.First(e => e.Message.Contains(message, StringComparison.Ordinal));
        Assert.StartsWith($"test.yaml:{line}:{column}: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_every_problem_at_once_in_file_order()
    {
        var yaml = Unmargin("""
            |gateway:
            |  maxBodySze: 1MiB
            |services:
            |  - name: a
            |    balancer: nope
            |    timeouts:
            |      connect: 5
            |  - name: a
            """);

        var result = ConfigLoader.LoadText(yaml, "f.yaml");

        Assert.Equal([2, 5, 7, 8], result.Errors.Select(e => e.Line));
    }

    [Fact]
    public void Missing_file_is_a_clear_error_not_an_exception()
    {
        var result = ConfigLoader.LoadFile("/nonexistent/aigis.yaml");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("/nonexistent/aigis.yaml:1:1: cannot read the config file", error.ToString(), StringComparison.Ordinal);
    }

    internal static string Unmargin(string text) =>
        string.Join('\n', text.Split('\n').Select(l => l.TrimEnd('\r')).Select(l => l.StartsWith('|') ? l[1..] : l)) + "\n";
}
