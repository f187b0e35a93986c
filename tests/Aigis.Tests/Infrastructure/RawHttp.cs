using System.Net.Sockets;
using System.Text;

namespace Aigis.Tests.Infrastructure;

/// <summary>
/// Sends an HTTP/1.1 request byte for byte, for what HttpClient would tidy up: a header line sent twice (HttpClient
/// folds repeats into one comma-joined line) or a path it would normalize.
/// </summary>
internal static class RawHttp
{
    public static async Task<(int Status, string Response)> SendAsync(Uri server, string method, string target, IEnumerable<(string Name, string Value)> headers, string body = "")
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        await using var stream = client.GetStream();
        var request = new StringBuilder();
        request.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        request.Append("Host: ").Append(server.Authority).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            request.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        request.Append("Content-Type: application/json\r\nContent-Length: ").Append(bytes.Length).Append("\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()));
        await stream.WriteAsync(bytes);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var status = int.Parse(response.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        return (status, response);
    }
}
