using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Cli.Output;

namespace Mesh.Cli.Admin;

/// <summary>
/// The control plane's admin API, as meshctl uses it, with the caller's bearer token. An unreachable control plane, or a
/// refused credential, is a clear error that says what to do, never a stack trace.
/// </summary>
public sealed class ControlPlaneClient(Uri address, string? token = null, string? contextPath = null, HttpMessageHandler? handler = null) : IDisposable
{
    private readonly HttpClient _http = Create(address, token, handler);

    private static HttpClient Create(Uri address, string? token, HttpMessageHandler? handler)
    {
        var http = new HttpClient(handler ?? new SocketsHttpHandler { UseProxy = false }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        if (!string.IsNullOrEmpty(token))
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    /// <summary>Whether this client presents a credential at all.</summary>
    public bool HasCredential { get; } = !string.IsNullOrEmpty(token);

    public Uri Address { get; } = address;

    public Task<IReadOnlyList<ResourceSummary>> ResourcesAsync(string? kind, CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<ResourceSummary>>(kind is null ? "/api/config" : $"/api/config?kind={Uri.EscapeDataString(kind)}", cancellationToken);

    public async Task<string?> ResourceYamlAsync(string kind, string ns, string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/config/{kind}/{ns}/{name}"), cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await Read(response, cancellationToken);
    }

    public async Task<ApplyOutcome> ApplyAsync(string yaml, string source, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/config") { Content = new StringContent(yaml, System.Text.Encoding.UTF8, "application/yaml") };
        request.Headers.Add("X-Mesh-Source", source);
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity))
        {
            throw new ControlPlaneException($"the control plane answered {(int)response.StatusCode} to apply: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        return await response.Content.ReadFromJsonAsync<ApplyOutcome>(Json.Options, cancellationToken) ?? throw new ControlPlaneException("empty answer to apply");
    }

    public async Task<DeleteOutcome> DeleteAsync(string kind, string ns, string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/config/{kind}/{ns}/{name}"), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return new DeleteOutcome(false, false, []);
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Json.Options, cancellationToken);
        var findings = body.TryGetProperty("findings", out var f) ? f.Deserialize<IReadOnlyList<FindingView>>(Json.Options) ?? [] : [];
        return new DeleteOutcome(true, body.TryGetProperty("deleted", out var d) && d.GetBoolean(), findings);
    }

    public Task<IReadOnlyList<ProxyStatusRow>> ProxiesAsync(CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<ProxyStatusRow>>("/api/proxies", cancellationToken);

    public async Task<string?> ConfigDumpAsync(string proxy, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/proxies/{Uri.EscapeDataString(proxy)}/config_dump"), cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await Read(response, cancellationToken);
    }

    public Task<IReadOnlyList<ServedDocument>> DocumentsAsync(CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<ServedDocument>>("/api/config/documents", cancellationToken);

    public Task<RegistryView> RegistryAsync(CancellationToken cancellationToken) => GetAsync<RegistryView>("/api/registry", cancellationToken);

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        var text = await Read(response, cancellationToken);
        try
        {
            return JsonSerializer.Deserialize<T>(text, Json.Options) ?? throw new ControlPlaneException($"empty answer from {path}");
        }
        catch (JsonException e)
        {
            throw new ControlPlaneException($"the control plane's answer to {path} is not what meshctl expects: {e.Message}", e);
        }
    }

    private static async Task<string> Read(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode ? text : throw new ControlPlaneException($"the control plane answered {(int)response.StatusCode}: {text}");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _http.SendAsync(request, cancellationToken);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                var reason = await response.Content.ReadAsStringAsync(cancellationToken);
                response.Dispose();
                throw new ControlPlaneException(response.StatusCode == HttpStatusCode.Unauthorized
                    ? $"the control plane at {Address} needs a credential{(HasCredential ? " other than the one given" : "")} ({Reason(reason)}): {AdminCredential.HowToGetOne(contextPath ?? "~/.mesh/config.json")}"
                    : $"the control plane at {Address} refused this credential: {Reason(reason)}");
            }

            return response;
        }
        catch (HttpRequestException e)
        {
            throw new ControlPlaneUnreachableException(Address, e.InnerException?.Message ?? e.Message, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ControlPlaneUnreachableException(Address, "timed out", e);
        }
        finally
        {
            request.Dispose();
        }
    }

    private static string Reason(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var error) ? error.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    public void Dispose() => _http.Dispose();
}
