using Google.Protobuf;
using Grpc.Core;
using Mesh.Proxy.Tests.Echo;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mesh.Benchmarks;

/// <summary>
/// The backend every path ends at: Kestrel answering every HTTP request with the same 1 KB body, and a real gRPC
/// service (the tests' Echo) on its own HTTP/2 port.
/// </summary>
public sealed class Backend : Echo.EchoBase
{
    public static readonly byte[] Body = [.. Enumerable.Repeat((byte)'x', 1024)];

    public static readonly SayRequest GrpcRequest = new() { Text = "ping" };

    /// <summary>The gRPC call as h2load sends it: uncompressed flag, big-endian length, then the message.</summary>
    public static GrpcCall GrpcCall
    {
        get
        {
            var message = GrpcRequest.ToByteArray();
            byte[] frame = [0, .. BitConverter.GetBytes(System.Net.IPAddress.HostToNetworkOrder(message.Length)), .. message];
            return new GrpcCall("/test.echo.Echo/Say", frame);
        }
    }

    public override Task<SayReply> Say(SayRequest request, ServerCallContext context) => Task.FromResult(new SayReply { Text = request.Text, ServedBy = "backend" });

    public static async Task RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, Topology.BackendPort, l => l.Protocols = HttpProtocols.Http1AndHttp2);
            k.Listen(System.Net.IPAddress.Loopback, Topology.BackendGrpcPort, l => l.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        app.MapGrpcService<Backend>();
        app.MapFallback(context =>
        {
            context.Response.ContentType = "text/plain";
            context.Response.ContentLength = Body.Length;
            return context.Response.Body.WriteAsync(Body).AsTask();
        });
        await app.RunAsync();
    }
}
