using Mesh.Config.Diagnostics;
using Mesh.Config.Model;
using Mesh.Config.Model.Telemetry;
using Mesh.Config.Validation;

namespace Mesh.Config.Yaml;

/// <summary>Reads <c>telemetry.istio.io</c> Telemetry resources.</summary>
internal static class TelemetryReader
{
    public static Telemetry Read(YamlObject spec, ResourceMeta meta)
    {
        var telemetry = new Telemetry
        {
            Metadata = meta,
            Source = spec.Span,
            Selector = spec.Object("selector") is { } selector ? selector.Finish(new WorkloadSelector(NetworkingReaders.SelectorLabels(selector, "matchLabels"))) : null,
            AccessLogging = spec.List("accessLogging", a => a.Finish(new AccessLogging(
                a.List("providers", Provider),
                a.Bool("disabled") ?? false))),
        };

        // Metric overrides are not implemented (the field table says so); their values are still checked as Istio's CRD does.
        spec.List("metrics", m =>
        {
            m.List("providers", Provider);
            m.Duration("reportingInterval");
            m.List("overrides", o =>
            {
                o.Object("match", match =>
                {
                    match.String("customMetric", IstioRules.NotEmpty);
                    return match.Finish<object>(null);
                });
                o.Map("tagOverrides", TagOverride);
                return o.Finish<object>(null);
            });
            return m.Finish<object>(null);
        });
        SecurityReaders.TargetRefs(spec);
        return spec.Finish(telemetry)!;
    }

    private static string? Provider(YamlObject p) => p.Finish(p.String("name", IstioRules.NotEmpty));

    private static object? TagOverride(YamlObject t)
    {
        var operation = t.String("operation") ?? "UPSERT";
        var hasValue = t.Has("value");
        t.String("value");
        if (operation == "UPSERT" && !hasValue)
        {
            t.Context.Report(FindingCodes.MissingField, t.Span, $"{t.Path}.value must be set when the operation is UPSERT");
        }
        else if (operation == "REMOVE" && hasValue)
        {
            t.Report(FindingCodes.InvalidValue, "value", $"{t.Path}.value must not be set when the operation is REMOVE");
        }
        else if (operation is not ("UPSERT" or "REMOVE"))
        {
            t.Report(FindingCodes.InvalidEnum, "operation", $"{t.Path}.operation '{operation}' is not one of UPSERT, REMOVE");
        }

        return t.Finish<object>(null);
    }
}
