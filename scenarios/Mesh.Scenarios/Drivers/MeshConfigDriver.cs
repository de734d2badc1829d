using System.Net;
using System.Net.Http.Json;
using Mesh.Chaos.Actions;
using Mesh.Config;

namespace Mesh.Scenarios.Drivers;

/// <summary>
/// Applies routing files to the running mesh through the control plane's admin API (as <c>meshctl apply</c> does)
/// and waits until every proxy has ACKed the result. What a scenario applies is removed again after it.
/// </summary>
public sealed class MeshConfigDriver(RunningMesh mesh, HttpClient http, ControlPlaneDriver controlPlane) : IMeshConfigClient
{
    private readonly List<string> _applied = [];

    public static string Sample(string file) => Path.Combine(AppContext.BaseDirectory, "samples", "bookinfo", file);

    public Task ApplyAsync(string file) => ApplyTextAsync(File.ReadAllText(Sample(file)), file);

    public async Task ApplyTextAsync(string yaml, string source)
    {
        var before = await controlPlane.NewestAckedVersionAsync();
        using var content = new StringContent(yaml, System.Text.Encoding.UTF8, "application/yaml");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(mesh.ControlPlane, "/api/config")) { Content = content };
        request.Headers.Add("X-Mesh-Source", source);
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"the control plane refused {source}: {await response.Content.ReadAsStringAsync()}");
        }

        _applied.AddRange(ConfigLoader.LoadText(yaml, source).Resources.Select(r => r.Key));
        await controlPlane.WaitUntilSyncedAsync(TimeSpan.FromMinutes(1), newerThan: before);
    }

    /// <summary>Sends YAML to the control plane and returns its answer, refused or not (what a user sees from <c>meshctl apply</c>).</summary>
    public async Task<(HttpStatusCode Status, string Body)> SubmitAsync(string yaml, string source)
    {
        using var content = new StringContent(yaml, System.Text.Encoding.UTF8, "application/yaml");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(mesh.ControlPlane, "/api/config")) { Content = content };
        request.Headers.Add("X-Mesh-Source", source);
        using var response = await http.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            Track(ConfigLoader.LoadText(yaml, source).Resources.Select(r => r.Key));
        }

        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Notes resources applied another way (the console), so the scenario's cleanup resets them too.</summary>
    public void Track(IEnumerable<string> keys) => _applied.AddRange(keys);

    Task IMeshConfigClient.ApplyAsync(string yaml, string source, CancellationToken cancellationToken) => ApplyTextAsync(yaml, source);

    /// <summary>Deletes one resource through the admin API (as <c>meshctl delete</c>) and waits until every proxy has the result.</summary>
    public async Task DeleteAsync(string kind, string @namespace, string name, CancellationToken cancellationToken)
    {
        var before = await controlPlane.NewestAckedVersionAsync();
        using var response = await http.DeleteAsync(new Uri(mesh.ControlPlane, $"/api/config/{kind}/{@namespace}/{name}"), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return;
        }

        response.EnsureSuccessStatusCode();
        await controlPlane.WaitUntilSyncedAsync(TimeSpan.FromMinutes(1), newerThan: before);
    }

    /// <summary>Drops what this scenario applied (the control plane's reset), so the next one starts from the folder's config.</summary>
    public async Task ResetAsync()
    {
        if (_applied.Count == 0)
        {
            return;
        }

        var before = await controlPlane.NewestAckedVersionAsync();
        using var response = await http.PostAsync(new Uri(mesh.ControlPlane, "/api/config/reset"), null);
        response.EnsureSuccessStatusCode();
        _applied.Clear();
        await controlPlane.WaitUntilSyncedAsync(TimeSpan.FromMinutes(1), newerThan: before);
    }
}
