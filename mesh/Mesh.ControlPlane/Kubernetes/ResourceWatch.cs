using System.Net;
using System.Text.Json;

namespace Mesh.ControlPlane.Kubernetes;

/// <summary>
/// One resource collection of the Kubernetes API (e.g. <c>/apis/discovery.k8s.io/v1/endpointslices</c>) kept in sync
/// by list-then-watch, as client-go's reflector does: a list gives the items and a resourceVersion; a watch from that
/// version streams ADDED, MODIFIED and DELETED events (JSON, one per line, chunked) and BOOKMARKs that only move the
/// version on. When the stream ends or breaks, the watch resumes from the last version seen; when the server says the
/// version is too old (410 Gone, as an ERROR event or a response), the collection is listed again.
/// </summary>
public sealed partial class ResourceWatch(HttpClient http, Uri api, string path, Func<IReadOnlyDictionary<string, JsonElement>, Task> changed, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan WatchTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, JsonElement> _items = new(StringComparer.Ordinal);

    /// <summary>The version the next watch resumes from; null forces a list.</summary>
    public string? ResourceVersion { get; private set; }

    public string Path => path;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = MinBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (ResourceVersion is null)
                {
                    await ListAsync(cancellationToken);
                }

                await WatchAsync(cancellationToken);
                backoff = MinBackoff;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or JsonException && !cancellationToken.IsCancellationRequested)
            {
                LogBroken(logger, path, e.Message, backoff.TotalMilliseconds);
                await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(api, path), cancellationToken);
        response.EnsureSuccessStatusCode();
        using var list = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        _items.Clear();
        foreach (var item in list.RootElement.GetProperty("items").EnumerateArray())
        {
            _items[Key(item)] = item.Clone();
        }

        ResourceVersion = list.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString();
        LogListed(logger, path, _items.Count, ResourceVersion);
        await changed(_items);
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var query = $"?watch=1&allowWatchBookmarks=true&timeoutSeconds={(int)WatchTimeout.TotalSeconds}&resourceVersion={Uri.EscapeDataString(ResourceVersion!)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(api, path + query));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Gone)
        {
            Expired("a 410 response");
            return;
        }

        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var watchEvent = JsonDocument.Parse(line);
            var type = watchEvent.RootElement.GetProperty("type").GetString();
            var item = watchEvent.RootElement.GetProperty("object");
            switch (type)
            {
                case "ADDED" or "MODIFIED":
                    _items[Key(item)] = item.Clone();
                    ResourceVersion = Version(item);
                    await changed(_items);
                    break;
                case "DELETED":
                    _items.Remove(Key(item));
                    ResourceVersion = Version(item);
                    await changed(_items);
                    break;
                case "BOOKMARK":
                    ResourceVersion = Version(item);
                    break;
                case "ERROR" when item.TryGetProperty("code", out var code) && code.GetInt32() == (int)HttpStatusCode.Gone:
                    Expired("a 410 ERROR event");
                    return;
                default:
                    throw new JsonException($"unexpected watch event '{type}': {line}");
            }
        }
    }

    private void Expired(string how)
    {
        LogExpired(logger, path, ResourceVersion, how);
        ResourceVersion = null;
    }

    private static string Key(JsonElement item)
    {
        var metadata = item.GetProperty("metadata");
        var ns = metadata.TryGetProperty("namespace", out var n) ? n.GetString() : "";
        return $"{ns}/{metadata.GetProperty("name").GetString()}";
    }

    private static string? Version(JsonElement item) => item.GetProperty("metadata").GetProperty("resourceVersion").GetString();

    [LoggerMessage(Level = LogLevel.Information, Message = "Listed {Path}: {Count} items at resourceVersion {Version}")]
    private static partial void LogListed(ILogger logger, string path, int count, string? version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch of {Path} from resourceVersion {Version} expired ({How}); listing again")]
    private static partial void LogExpired(ILogger logger, string path, string? version, string how);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch of {Path} broke: {Reason}; resuming in {Delay} ms")]
    private static partial void LogBroken(ILogger logger, string path, string reason, double delay);
}
