using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Scenarios.Drivers;

/// <summary>
/// A workload the mesh did not start: a plain HTTP server in the test process on a loopback port, with no sidecar,
/// that answers Bookinfo's details API with a publisher of its own. A WorkloadEntry brings it into the mesh.
/// </summary>
public sealed class OutsideWorkloadDriver : IDisposable
{
    public const string Publisher = "Outside Press";

    private HttpListener? _listener;

    public int Port { get; private set; }

    public int Requests => _requests;

    private int _requests;

    public void StartDetails()
    {
        // A port the kernel picked, handed to HttpListener (which cannot bind port 0 itself).
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _listener = new HttpListener();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = ServeAsync(_listener);
    }

    /// <summary>The WorkloadEntry that makes this server an instance of details, version v2.</summary>
    public string WorkloadEntry(string version) => $$"""
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata:
          name: details-outside
        spec:
          address: 127.0.0.1
          ports:
            http: {{Port}}
          labels:
            app: details
            version: {{version}}
          serviceAccount: bookinfo-details
        """;

    /// <summary>details' DestinationRule with a subset for the version, and a VirtualService sending every call to it.</summary>
    public static string RoutingTo(string version) => $$"""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: details
        spec:
          host: details
          subsets:
          - name: v1
            labels:
              version: v1
          - name: {{version}}
            labels:
              version: {{version}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: details
        spec:
          hosts:
          - details
          http:
          - route:
            - destination:
                host: details
                subset: {{version}}
        """;

    private async Task ServeAsync(HttpListener listener)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            var id = context.Request.Url?.Segments.LastOrDefault() ?? "0";
            var body = Encoding.UTF8.GetBytes(
                $$"""{"id":{{(int.TryParse(id, out var n) ? n : 0)}},"author":"William Shakespeare","year":1595,"type":"paperback","pages":200,"publisher":"{{Publisher}}","language":"English","ISBN-10":"1234567890","ISBN-13":"123-1234567890"}""");
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        // Stopping the listener ends the serving loop; it holds nothing else.
        if (_listener is { } listener)
        {
            listener.Stop();
            listener.Close();
        }
    }
}
