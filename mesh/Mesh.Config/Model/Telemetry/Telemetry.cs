namespace Mesh.Config.Model.Telemetry;

/// <summary>
/// Istio's Telemetry resource, read for what the mesh implements: turning access logs on or off for the workloads it
/// selects (<c>accessLogging[].disabled</c>). Metrics and tracing overrides are reported as not implemented.
/// </summary>
public sealed record Telemetry : MeshResource
{
    public override string Kind => "Telemetry";

    public WorkloadSelector? Selector { get; init; }

    public IReadOnlyList<AccessLogging> AccessLogging { get; init; } = [];
}

/// <summary>
/// One <c>accessLogging</c> entry: its providers and whether logging is disabled. Its CEL <c>filter</c> and <c>match</c>
/// are reported as not implemented.
/// </summary>
public sealed record AccessLogging(IReadOnlyList<string> Providers, bool Disabled);
