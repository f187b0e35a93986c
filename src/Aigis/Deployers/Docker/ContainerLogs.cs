using System.Globalization;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace Aigis.Deployers.Docker;

/// <summary>
/// Streams a container's output into aigis's log under its replica's name, one entry per line, as the process
/// deployer does for its replicas' output: stdout at Information, stderr at Warning.
/// </summary>
internal static partial class ContainerLogs
{
    /// <summary>Follows the container's output from <paramref name="since"/> (all of it when null) until it stops or the token ends.</summary>
    public static async Task FollowAsync(DockerClient client, string containerId, string replica, DateTimeOffset? since, ILogger logger, CancellationToken cancellationToken)
    {
        var parameters = new ContainerLogsParameters
        {
            Follow = true,
            ShowStdout = true,
            ShowStderr = true,
            Since = since?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        };
        using var stream = await client.Containers.GetContainerLogsAsync(containerId, parameters, cancellationToken);
        var stdout = new LineSplitter(line => Log.Output(logger, replica, line));
        var stderr = new LineSplitter(line => Log.ErrorOutput(logger, replica, line));
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF)
            {
                break;
            }

            (read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout).Add(buffer.AsSpan(0, read.Count));
        }

        stdout.Flush();
        stderr.Flush();
    }

    /// <summary>Cuts a byte stream into lines, decoding UTF-8 across chunk boundaries.</summary>
    private sealed class LineSplitter(Action<string> onLine)
    {
        private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
        private readonly StringBuilder _line = new();
        private char[] _chars = new char[1024];

        public void Add(ReadOnlySpan<byte> bytes)
        {
            var needed = _decoder.GetCharCount(bytes, flush: false);
            if (needed > _chars.Length)
            {
                _chars = new char[needed];
            }

            var count = _decoder.GetChars(bytes, _chars, flush: false);
            foreach (var c in _chars.AsSpan(0, count))
            {
                if (c == '\n')
                {
                    Flush();
                }
                else if (c != '\r')
                {
                    _line.Append(c);
                }
            }
        }

        public void Flush()
        {
            if (_line.Length > 0)
            {
                onLine(_line.ToString());
                _line.Clear();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(130, LogLevel.Information, "[{Replica}] {Line}")]
        public static partial void Output(ILogger logger, string replica, string line);

        [LoggerMessage(131, LogLevel.Warning, "[{Replica}] {Line}")]
        public static partial void ErrorOutput(ILogger logger, string replica, string line);
    }
}
