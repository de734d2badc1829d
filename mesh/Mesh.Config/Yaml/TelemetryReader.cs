using Mesh.Config.Model;
using Mesh.Config.Model.Telemetry;

namespace Mesh.Config.Yaml;

/// <summary>Reads <c>telemetry.istio.io</c> Telemetry resources.</summary>
internal static class TelemetryReader
{
    public static Telemetry Read(YamlObject spec, ResourceMeta meta) => spec.Finish(new Telemetry
    {
        Metadata = meta,
        Source = spec.Span,
        Selector = spec.Object("selector") is { } selector ? selector.Finish(new WorkloadSelector(selector.StringMap("matchLabels"))) : null,
        AccessLogging = spec.List("accessLogging", a => a.Finish(new AccessLogging(
            a.List("providers", p => p.Finish(p.String("name"))),
            a.Bool("disabled") ?? false))),
    })!;
}
