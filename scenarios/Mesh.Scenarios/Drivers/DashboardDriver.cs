using System.Net;
using System.Text.Json;

namespace Mesh.Scenarios.Drivers;

/// <summary>Reads traces from the Aspire dashboard's telemetry API (OTLP JSON), where every process exports its spans.</summary>
public sealed class DashboardDriver(RunningMesh mesh, HttpClient http)
{
    /// <summary>
    /// The services (resource names) with spans in one trace, looked up by its id: a single indexed read, so it stays
    /// quick late in a run when the dashboard holds thousands of traces. Empty while the trace has not arrived.
    /// </summary>
    public async Task<IReadOnlySet<string>> TraceServicesAsync(string traceId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(mesh.Dashboard, $"/api/telemetry/traces/{traceId}"));
        request.Headers.Add("x-api-key", mesh.DashboardApiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return new HashSet<string>();
        }

        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var services = new HashSet<string>();
        foreach (var resourceSpans in document.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var hasSpans = resourceSpans.GetProperty("scopeSpans").EnumerateArray().Any(s => s.GetProperty("spans").GetArrayLength() > 0);
            var service = resourceSpans.TryGetProperty("resource", out var resource)
                ? resource.GetProperty("attributes").EnumerateArray()
                    .Where(a => a.GetProperty("key").GetString() == "service.name")
                    .Select(a => a.GetProperty("value").GetProperty("stringValue").GetString()).FirstOrDefault()
                : null;
            if (hasSpans)
            {
                services.Add(service ?? "unknown");
            }
        }

        return services;
    }
    /// <summary>
    /// For a failure message: how long ago each service's newest span started, among the dashboard's newest traces,
    /// so a missing trace can be told apart from a process that exports nothing at all.
    /// </summary>
    public async Task<string> NewestSpansAsync(int traces, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(mesh.Dashboard, $"/api/telemetry/traces?limit={traces}"));
        request.Headers.Add("x-api-key", mesh.DashboardApiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return $"{(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}";
        }

        using var document = JsonDocument.Parse(body);
        var newest = new Dictionary<string, long>();
        foreach (var resourceSpans in document.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = resourceSpans.TryGetProperty("resource", out var resource)
                ? resource.GetProperty("attributes").EnumerateArray()
                    .Where(a => a.GetProperty("key").GetString() == "service.name")
                    .Select(a => a.GetProperty("value").GetProperty("stringValue").GetString()).FirstOrDefault() ?? "unknown"
                : "unknown";
            foreach (var span in resourceSpans.GetProperty("scopeSpans").EnumerateArray().SelectMany(s => s.GetProperty("spans").EnumerateArray()))
            {
                var value = span.GetProperty("startTimeUnixNano");
                var start = value.ValueKind == JsonValueKind.String
                    ? long.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture)
                    : value.GetInt64();
                newest[service] = Math.Max(newest.GetValueOrDefault(service), start);
            }
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return newest.Count == 0
            ? "no spans in the newest traces"
            : string.Join(", ", newest.OrderBy(n => n.Key).Select(n => $"{n.Key} {(now - n.Value / 1_000_000) / 1000.0:0.0} s ago"));
    }
}
