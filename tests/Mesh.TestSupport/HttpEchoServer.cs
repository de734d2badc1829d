using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Mesh.TestSupport;

/// <summary>
/// A real HTTP server on loopback that answers every request with what it received (method, path, host, headers)
/// and its own name, standing in for a workload. It speaks HTTP/1.1 or h2c, as a port of that protocol would.
/// </summary>
public sealed class HttpEchoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpEchoServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public int Requests => _requests;

    /// <summary>Starts counting requests from zero (after a fixture's readiness probes).</summary>
    public void ResetCount() => Interlocked.Exchange(ref _requests, 0);

    private int _requests;

    /// <summary>
    /// Starts the server. <paramref name="behavior"/> runs first for every request with its 1-based number; when it
    /// returns true the request is considered answered (e.g. it set a 503), otherwise the echo is written.
    /// </summary>
    public static async Task<HttpEchoServer> StartAsync(string name, bool http2 = true, Func<int, HttpContext, Task<bool>>? behavior = null)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port, l => l.Protocols = http2 ? HttpProtocols.Http2 : HttpProtocols.Http1));
        var app = builder.Build();
        var server = new HttpEchoServer(app, port);
        app.Run(async context =>
        {
            var number = Interlocked.Increment(ref server._requests);
            if (behavior is not null && await behavior(number, context))
            {
                return;
            }

            context.Response.Headers["x-served-by"] = name;
            context.Response.Headers["x-remove-me"] = "present";
            await context.Response.WriteAsJsonAsync(new EchoedRequest(
                name, context.Connection.Id, context.Request.Method, context.Request.Path + context.Request.QueryString, context.Request.Host.Value ?? "",
                context.Request.Protocol, context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));
        });
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>What an <see cref="HttpEchoServer"/> received.</summary>
public sealed record EchoedRequest(string ServedBy, string ConnectionId, string Method, string Path, string Host, string Protocol, Dictionary<string, string> Headers)
{
    public static EchoedRequest Parse(string json) =>
        JsonSerializer.Deserialize<EchoedRequest>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? throw new InvalidOperationException("empty echo");
}
