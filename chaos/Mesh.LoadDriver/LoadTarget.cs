using System.Diagnostics;
using System.Net;
using Grpc.Core;
using Grpc.Net.Client;

namespace Mesh.LoadDriver;

/// <summary>What one request came back with: an HTTP status (and gRPC status), or a transport error.</summary>
public readonly record struct LoadOutcome(int? Status, string? Flags = null, string? Class = null, string? Error = null, int? GrpcStatus = null)
{
    public static LoadOutcome Failed(string kind) => new(null, Error: kind);
}

/// <summary>Sends one request of a plan. A target is shared by every request of a run.</summary>
public interface ILoadTarget : IAsyncDisposable
{
    Task<LoadOutcome> SendAsync(CancellationToken cancellationToken);
}

/// <summary>The targets a plan names: HTTP/1.1 or HTTP/2 through one <see cref="HttpClient"/>, or gRPC unary calls.</summary>
public static class LoadTargets
{
    public const string FlagsHeader = "x-mesh-response-flags";

    public const string TraceParentHeader = "traceparent";

    /// <summary>The <c>traceparent</c> a request of the plan adds, or null: see <see cref="LoadPlan.Traced"/>.</summary>
    public static string? UnsampledTraceParent(LoadPlan plan) =>
        plan.Traced || plan.Headers.Keys.Any(h => h.Equals(TraceParentHeader, StringComparison.OrdinalIgnoreCase))
            ? null
            : $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-00";

    public static ILoadTarget For(LoadPlan plan) => plan.Protocol == LoadProtocol.Grpc ? new GrpcTarget(plan) : new HttpTarget(plan);

    private static SocketsHttpHandler Handler(LoadPlan plan) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        MaxConnectionsPerServer = plan.Connections,
        EnableMultipleHttp2Connections = true,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectCallback = plan.Network?.Connect,
    };

    private sealed class HttpTarget(LoadPlan plan) : ILoadTarget
    {
        private readonly HttpClient _client = new(Handler(plan)) { Timeout = plan.Timeout };

        public async Task<LoadOutcome> SendAsync(CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(plan.Method, plan.Target)
            {
                Version = plan.Protocol == LoadProtocol.Http2 ? HttpVersion.Version20 : HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = plan.Body?.Invoke(),
            };
            foreach (var (name, value) in plan.Headers)
            {
                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    request.Content?.Headers.TryAddWithoutValidation(name, value);
                }
            }

            if (UnsampledTraceParent(plan) is { } traceParent)
            {
                request.Headers.TryAddWithoutValidation(TraceParentHeader, traceParent);
            }

            try
            {
                using var response = await _client.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                var flags = response.Headers.TryGetValues(FlagsHeader, out var values) ? values.FirstOrDefault() : null;
                return new LoadOutcome((int)response.StatusCode, flags, plan.Classify?.Invoke(response, body));
            }
            catch (HttpRequestException e)
            {
                return LoadOutcome.Failed(e.HttpRequestError.ToString());
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return LoadOutcome.Failed("Timeout");
            }
        }

        public ValueTask DisposeAsync()
        {
            _client.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Unary gRPC calls with an opaque, pre-serialized message: no generated client needed.</summary>
    private sealed class GrpcTarget : ILoadTarget
    {
        private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

        private readonly LoadPlan _plan;
        private readonly GrpcChannel _channel;
        private readonly Method<byte[], byte[]> _method;
        private readonly Metadata _headers = [];

        public GrpcTarget(LoadPlan plan)
        {
            _plan = plan;
            _channel = GrpcChannel.ForAddress(plan.Target, new GrpcChannelOptions { HttpHandler = Handler(plan), DisposeHttpClient = true });
            var parts = plan.GrpcMethod!.Split('/');
            _method = new Method<byte[], byte[]>(MethodType.Unary, parts[0], parts[1], Bytes, Bytes);
            foreach (var (name, value) in plan.Headers)
            {
                _headers.Add(name.ToLowerInvariant(), value);
            }
        }

        public async Task<LoadOutcome> SendAsync(CancellationToken cancellationToken)
        {
            var sent = _headers;
            if (UnsampledTraceParent(_plan) is { } traceParent)
            {
                sent = [.. _headers];
                sent.Add(TraceParentHeader, traceParent);
            }

            var options = new CallOptions(sent, DateTime.UtcNow + _plan.Timeout, cancellationToken);
            using var call = _channel.CreateCallInvoker().AsyncUnaryCall(_method, null, options, _plan.GrpcMessage);
            try
            {
                await call.ResponseAsync;
                return new LoadOutcome(200, Flags(await call.ResponseHeadersAsync), GrpcStatus: 0);
            }
            catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
            {
                Metadata? headers = null;
                try
                {
                    headers = await call.ResponseHeadersAsync;
                }
                catch (RpcException)
                {
                }

                // A gRPC error is an answer (HTTP 200 with a grpc-status), unless nothing came back at all.
                return headers is null && e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.DeadlineExceeded
                    ? new LoadOutcome(null, Error: "Grpc" + e.StatusCode, GrpcStatus: (int)e.StatusCode)
                    : new LoadOutcome(200, Flags(headers ?? e.Trailers), GrpcStatus: (int)e.StatusCode);
            }
        }

        private static string? Flags(Metadata metadata) => metadata.GetValue(FlagsHeader);

        public ValueTask DisposeAsync()
        {
            _channel.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
