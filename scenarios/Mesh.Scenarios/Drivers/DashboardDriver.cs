using System.Text.Json;

namespace Mesh.Scenarios.Drivers;

/// <summary>Reads traces from the Aspire dashboard's telemetry API (OTLP JSON), where every process exports its spans.</summary>
public sealed class DashboardDriver(RunningMesh mesh, HttpClient http)
{
    /// <summary>
    /// Trace ids with the services (resource names) that have spans in each: the newest traces that involve
    /// <paramref name="involving"/>, so that late in a run the answer stays small.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, HashSet<string>>> TracesAsync(string involving = "istio-ingressgateway", CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(mesh.Dashboard, $"/api/telemetry/traces?resource={Uri.EscapeDataString(involving)}&limit=50"));
        request.Headers.Add("x-api-key", mesh.DashboardApiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var traces = new Dictionary<string, HashSet<string>>();
        foreach (var resourceSpans in document.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = resourceSpans.TryGetProperty("resource", out var resource)
                ? resource.GetProperty("attributes").EnumerateArray()
                    .Where(a => a.GetProperty("key").GetString() == "service.name")
                    .Select(a => a.GetProperty("value").GetProperty("stringValue").GetString()).FirstOrDefault()
                : null;
            foreach (var span in resourceSpans.GetProperty("scopeSpans").EnumerateArray().SelectMany(s => s.GetProperty("spans").EnumerateArray()))
            {
                var traceId = span.GetProperty("traceId").GetString()!;
                if (!traces.TryGetValue(traceId, out var services))
                {
                    traces[traceId] = services = [];
                }

                services.Add(service ?? "unknown");
            }
        }

        return traces;
    }
}
