using Aigis.Core.Configuration;

namespace Aigis.Core.Tests.Configuration;

/// <summary>
/// Each invalid config must yield its own message at the line and column where the user has to look.
/// Configs are written with a leading '|' margin so that columns in the test read as they do in the file.
/// </summary>
public sealed partial class InvalidConfigTests
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
    };

    [Theory]
    [MemberData(nameof(Cases))]
    [MemberData(nameof(MoreCases))]
    [MemberData(nameof(LastCases))]
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
