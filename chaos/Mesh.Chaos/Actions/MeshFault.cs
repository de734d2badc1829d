using System.Globalization;
using System.Net;
using System.Text;
using Mesh.Chaos.Experiments;

namespace Mesh.Chaos.Actions;

/// <summary>Where mesh config goes: the control plane's admin API, as <c>meshctl apply</c> and <c>meshctl delete</c> use it.</summary>
public interface IMeshConfigClient
{
    Task ApplyAsync(string yaml, string source, CancellationToken cancellationToken);

    Task DeleteAsync(string kind, string @namespace, string name, CancellationToken cancellationToken);
}

/// <summary>
/// A fault in the mesh itself, not in any process: a VirtualService for <see cref="Host"/> whose only route injects
/// a delay or an abort into <see cref="Percent"/> of requests, applied through the control plane and deleted by the
/// rollback. The sidecars carry it out, so no app or proxy is touched. The host must have no VirtualService of its own
/// (Istio gives one host one VirtualService in a sidecar; two would conflict).
/// </summary>
public sealed record MeshFault(IMeshConfigClient Config, string Host, double Percent, TimeSpan? Delay = null, int? AbortStatus = null, string? Subset = null)
    : IReversibleAction
{
    public string ResourceName => $"chaos-fault-{Host}";

    public string Name => Delay is { } delay
        ? $"mesh fault: delay {Percent.ToString(CultureInfo.InvariantCulture)}% of requests to {Host} by {delay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms"
        : $"mesh fault: abort {Percent.ToString(CultureInfo.InvariantCulture)}% of requests to {Host} with {AbortStatus}";

    public Task RunAsync(ChaosContext context, CancellationToken cancellationToken) =>
        Config.ApplyAsync(ToYaml(), $"chaos/{ResourceName}.yaml", cancellationToken);

    public Task RollbackAsync(ChaosContext context, CancellationToken cancellationToken) =>
        Config.DeleteAsync("VirtualService", "default", ResourceName, cancellationToken);

    /// <summary>The VirtualService this fault is, in Istio's YAML.</summary>
    public string ToYaml()
    {
        if ((Delay is null) == (AbortStatus is null))
        {
            throw new InvalidOperationException("a mesh fault is either a delay or an abort");
        }

        if (Percent is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(Percent), Percent, "a percentage is between 0 and 100");
        }

        var percent = Percent.ToString(CultureInfo.InvariantCulture);
        var yaml = new StringBuilder()
            .Append("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ").Append(ResourceName)
            .Append("\nspec:\n  hosts:\n  - ").Append(Host).Append("\n  http:\n  - fault:\n");
        if (Delay is { } delay)
        {
            yaml.Append("      delay:\n        percentage:\n          value: ").Append(percent)
                .Append("\n        fixedDelay: ").Append(((long)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)).Append("ms\n");
        }
        else
        {
            yaml.Append("      abort:\n        percentage:\n          value: ").Append(percent)
                .Append("\n        httpStatus: ").Append(AbortStatus!.Value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        yaml.Append("    route:\n    - destination:\n        host: ").Append(Host).Append('\n');
        if (Subset is not null)
        {
            yaml.Append("        subset: ").Append(Subset).Append('\n');
        }

        return yaml.ToString();
    }
}

/// <summary>The control plane's admin API over HTTP.</summary>
public sealed class ControlPlaneConfigClient(HttpClient http, Uri controlPlane) : IMeshConfigClient
{
    public async Task ApplyAsync(string yaml, string source, CancellationToken cancellationToken)
    {
        using var content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(controlPlane, "/api/config")) { Content = content };
        request.Headers.Add("X-Mesh-Source", source);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"the control plane refused {source}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }
    }

    public async Task DeleteAsync(string kind, string @namespace, string name, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync(new Uri(controlPlane, $"/api/config/{kind}/{@namespace}/{name}"), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.NotFound))
        {
            throw new InvalidOperationException($"the control plane refused to delete {kind}/{@namespace}/{name}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }
    }
}
