using Grpc.Core;
using Mesh.Proxy.Tests.Echo;
using Mesh.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Proxy.Tests.Forwarding;

/// <summary>A real gRPC server (h2c on loopback) that answers with its own name, standing for one workload.</summary>
public sealed class EchoServer : Echo.Echo.EchoBase, IAsyncDisposable
{
    private readonly string _name;
    private WebApplication? _app;

    private EchoServer(string name) => _name = name;

    public int Port { get; private set; }

    public static async Task<EchoServer> StartAsync(string name)
    {
        var server = new EchoServer(name) { Port = FreePort.Next() };
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(server);
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, server.Port, l => l.Protocols = HttpProtocols.Http2));
        server._app = builder.Build();
        server._app.MapGrpcService<EchoServer>();
        await server._app.StartAsync();
        return server;
    }

    public override Task<SayReply> Say(SayRequest request, ServerCallContext context) =>
        Task.FromResult(new SayReply { Text = request.Text, ServedBy = _name });

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
