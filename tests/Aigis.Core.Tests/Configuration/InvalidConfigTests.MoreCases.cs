namespace Aigis.Core.Tests.Configuration;

/// <summary>More invalid configs for <see cref="InvalidConfigTests"/>, split off to keep each file readable.</summary>
public sealed partial class InvalidConfigTests
{
    public static TheoryData<string, string, int, int, string> MoreCases => new()
    {
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
            "kubernetes runtime without its section",
            """
            |services:
            |  - name: a
            |    runtime: kubernetes
            """,
            3, 14, "services[a]: runtime: kubernetes needs a 'kubernetes' section"
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
    };
}
