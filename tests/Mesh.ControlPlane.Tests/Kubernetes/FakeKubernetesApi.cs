using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Mesh.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mesh.ControlPlane.Tests.Kubernetes;

/// <summary>
/// A test double of the Kubernetes API server (none can run here), speaking the real list/watch protocol for any
/// collection path: a list answers items and the collection's resourceVersion; a watch streams JSON events, one per
/// line over a chunked response, from a resourceVersion on, then new ones as they happen. The test can send
/// BOOKMARKs, end every open watch, and compact history so that an old resourceVersion gets a 410 Gone ERROR event.
/// It records every request.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, JsonObject>> _collections = [];
    private readonly List<(long Version, string Path, string Type, JsonObject Object)> _history = [];
    private readonly List<(string Path, Channel<string> Events)> _watches = [];
    private readonly WebApplication _app;
    private long _version = 100;
    private long _compactedBefore;
    private bool _held;

    private FakeKubernetesApi(WebApplication app, string address)
    {
        _app = app;
        Address = new Uri($"http://{address}");
    }

    public Uri Address { get; }

    /// <summary>Tokens the TokenReview API authenticates, with the user each belongs to.</summary>
    public Dictionary<string, string> Tokens { get; } = [];

    /// <summary>The audiences every TokenReview asked for.</summary>
    public List<string> ReviewedAudiences { get; } = [];

    /// <summary>Every PATCH as path, content type and body.</summary>
    public List<(string Path, string? ContentType, string Body)> Patches { get; } = [];

    /// <summary>Every request as path, whether it was a watch, and the resourceVersion it asked for.</summary>
    public List<(string Path, bool Watch, string? ResourceVersion)> Requests { get; } = [];

    public static async Task<FakeKubernetesApi> StartAsync()
    {
        var address = FreePort.Address();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{address}");
        var app = builder.Build();
        var api = new FakeKubernetesApi(app, address);
        app.Run(api.HandleAsync);
        await app.StartAsync();
        return api;
    }

    public long Version => Interlocked.Read(ref _version);

    /// <summary>Creates or replaces an object (by namespace/name) in a collection, as a write to the API would.</summary>
    public void Put(string path, JsonObject item)
    {
        lock (_lock)
        {
            var collection = Collection(path);
            var key = Key(item);
            var type = collection.ContainsKey(key) ? "MODIFIED" : "ADDED";
            item["metadata"]!["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
            collection[key] = item;
            Publish(path, type, item);
        }
    }

    public void Delete(string path, string ns, string name)
    {
        lock (_lock)
        {
            if (Collection(path).Remove($"{ns}/{name}", out var item))
            {
                item = (JsonObject)item.DeepClone();
                item["metadata"]!["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
                Publish(path, "DELETED", item);
            }
        }
    }

    /// <summary>Sends a BOOKMARK at the current version to every open watch, and returns that version.</summary>
    public long Bookmark()
    {
        lock (_lock)
        {
            foreach (var (path, events) in _watches)
            {
                events.Writer.TryWrite(Event("BOOKMARK", new JsonObject
                {
                    ["kind"] = "Bookmark",
                    ["metadata"] = new JsonObject { ["resourceVersion"] = _version.ToString(CultureInfo.InvariantCulture) },
                }));
            }

            return _version;
        }
    }

    /// <summary>Ends every open watch, as an API server does at its timeout or on restart.</summary>
    public void EndWatches()
    {
        lock (_lock)
        {
            foreach (var (_, events) in _watches)
            {
                events.Writer.TryComplete();
            }

            _watches.Clear();
            _held = false;
        }
    }

    /// <summary>Holds new events back from open watches (as a slow or partitioned connection would), until <see cref="EndWatches"/>.</summary>
    public void HoldEvents()
    {
        lock (_lock)
        {
            _held = true;
        }
    }

    /// <summary>Forgets history: a watch from any version before now is answered 410 Gone.</summary>
    public void Compact()
    {
        lock (_lock)
        {
            _compactedBefore = _version + 1;
            _history.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        EndWatches();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        if (HttpMethods.IsPost(context.Request.Method) && path == "/apis/authentication.k8s.io/v1/tokenreviews")
        {
            var review = (await context.Request.ReadFromJsonAsync<JsonObject>())!;
            var token = review["spec"]!["token"]!.GetValue<string>();
            string? user;
            lock (_lock)
            {
                // An admin caller's token is reviewed for the API server's own audiences: no audiences in the spec.
                ReviewedAudiences.AddRange(review["spec"]!["audiences"] is JsonArray audiences ? audiences.Select(a => a!.GetValue<string>()) : ["(api server)"]);
                user = Tokens.GetValueOrDefault(token);
            }

            review["status"] = user is null
                ? new JsonObject { ["authenticated"] = false, ["error"] = "invalid bearer token" }
                : new JsonObject { ["authenticated"] = true, ["user"] = new JsonObject { ["username"] = user } };
            await context.Response.WriteAsJsonAsync(review);
            return;
        }

        if (HttpMethods.IsPatch(context.Request.Method))
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            lock (_lock)
            {
                Patches.Add((path, context.Request.ContentType, body));
            }

            await context.Response.WriteAsJsonAsync(new JsonObject { ["apiVersion"] = "admissionregistration.k8s.io/v1", ["kind"] = "MutatingWebhookConfiguration", ["metadata"] = new JsonObject { ["name"] = "x" } });
            return;
        }

        var watch = context.Request.Query["watch"] is { Count: > 0 } w && w[0] is "1" or "true";
        var from = context.Request.Query["resourceVersion"].FirstOrDefault();
        lock (_lock)
        {
            Requests.Add((path, watch, from));
        }

        if (!watch)
        {
            JsonObject list;
            lock (_lock)
            {
                list = new JsonObject
                {
                    ["kind"] = "List",
                    ["apiVersion"] = "v1",
                    ["metadata"] = new JsonObject { ["resourceVersion"] = _version.ToString(CultureInfo.InvariantCulture) },
                    ["items"] = new JsonArray([.. Collection(path).Values.Select(i => (JsonNode)i.DeepClone())]),
                };
            }

            await context.Response.WriteAsJsonAsync(list);
            return;
        }

        var events = Channel.CreateUnbounded<string>();
        lock (_lock)
        {
            var since = long.Parse(from ?? "0", CultureInfo.InvariantCulture);
            if (since < _compactedBefore - 1)
            {
                events.Writer.TryWrite(Event("ERROR", new JsonObject
                {
                    ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["reason"] = "Expired", ["code"] = 410,
                    ["message"] = $"too old resource version: {since} ({_compactedBefore - 1})",
                }));
                events.Writer.TryComplete();
            }
            else
            {
                foreach (var (version, eventPath, type, item) in _history.Where(h => h.Path == path && h.Version > since))
                {
                    events.Writer.TryWrite(Event(type, item));
                }

                _watches.Add((path, events));
            }
        }

        context.Response.ContentType = "application/json";
        await context.Response.StartAsync();
        try
        {
            await foreach (var line in events.Reader.ReadAllAsync(context.RequestAborted))
            {
                await context.Response.WriteAsync(line + "\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
    }

    private void Publish(string path, string type, JsonObject item)
    {
        _history.Add((_version, path, type, (JsonObject)item.DeepClone()));
        if (_held)
        {
            return;
        }

        foreach (var (watchPath, events) in _watches.Where(w => w.Path == path))
        {
            events.Writer.TryWrite(Event(type, item));
        }
    }

    private Dictionary<string, JsonObject> Collection(string path) =>
        _collections.TryGetValue(path, out var collection) ? collection : _collections[path] = new Dictionary<string, JsonObject>(StringComparer.Ordinal);

    private static string Event(string type, JsonObject item) => new JsonObject { ["type"] = type, ["object"] = item.DeepClone() }.ToJsonString();

    private static string Key(JsonObject item) => $"{item["metadata"]?["namespace"]?.GetValue<string>()}/{item["metadata"]!["name"]!.GetValue<string>()}";
}
