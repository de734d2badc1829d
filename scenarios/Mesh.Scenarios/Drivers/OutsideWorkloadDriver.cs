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

    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;

    public int Port { get; private set; }

    public int Requests => _requests;

    private int _requests;

    /// <summary>
    /// Listens on 127.0.0.1 on a port the kernel picks. A minimal HTTP/1.1 server (one request per connection, then
    /// close), since HttpListener refuses a Host other than its own prefix and the mesh forwards <c>details:9080</c>.
    /// </summary>
    public void StartDetails()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync(_listener, _stop.Token);
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

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = AnswerAsync(client, stop);
        }
    }

    private async Task AnswerAsync(TcpClient client, CancellationToken stop)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                var requestLine = await reader.ReadLineAsync(stop) ?? "";
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync(stop)))
                {
                    // The headers: the details API needs none of them.
                }

                Interlocked.Increment(ref _requests);
                var path = requestLine.Split(' ') is [_, var target, ..] ? target : "/";
                var id = int.TryParse(path[(path.LastIndexOf('/') + 1)..], out var n) ? n : 0;
                var body = Encoding.UTF8.GetBytes(
                    $$"""{"id":{{id}},"author":"William Shakespeare","year":1595,"type":"paperback","pages":200,"publisher":"{{Publisher}}","language":"English","ISBN-10":"1234567890","ISBN-13":"123-1234567890"}""");
                var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(head, stop);
                await stream.WriteAsync(body, stop);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
                // The caller went away; nothing to answer.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener?.Stop();
        _stop.Dispose();
    }
}
