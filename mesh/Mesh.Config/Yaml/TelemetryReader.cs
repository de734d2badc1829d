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

        var overrides = new List<MetricOverride>();
        spec.List("metrics", m =>
        {
            m.List("providers", Provider);
            m.Duration("reportingInterval");
            overrides.AddRange(m.List("overrides", Override));
            return m.Finish<object>(null);
        });
        double? sampling = null;
        spec.List("tracing", t =>
        {
            if (t.Double("randomSamplingPercentage") is { } percent)
            {
                if (percent is < 0 or > 100)
                {
                    t.Report(FindingCodes.PercentageOutOfRange, "randomSamplingPercentage", $"{t.Path}.randomSamplingPercentage is {percent}; it must be between 0 and 100");
                }
                else
                {
                    sampling ??= percent;
                }
            }

            t.List("providers", Provider);
            return t.Finish<object>(null);
        });
        SecurityReaders.TargetRefs(spec);
        return spec.Finish(telemetry with { MetricOverrides = overrides, TraceSampling = sampling })!;
    }

    private static string? Provider(YamlObject p) => p.Finish(p.String("name", IstioRules.NotEmpty));

    private static MetricOverride? Override(YamlObject o)
    {
        var metric = IstioMetric.AllMetrics;
        var mode = MetricMode.ClientAndServer;
        o.Object("match", match =>
        {
            metric = match.Enum<IstioMetric>("metric") ?? IstioMetric.AllMetrics;
            mode = match.Enum<MetricMode>("mode") ?? MetricMode.ClientAndServer;
            match.String("customMetric", IstioRules.NotEmpty);
            return match.Finish<object>(null);
        });
        var tags = o.Map("tagOverrides", TagOverride);
        return new MetricOverride(metric, mode, o.Bool("disabled"), tags);
    }

    /// <summary>
    /// A tag override. UPSERT takes a CEL expression; the mesh evaluates a string literal (<c>"'canary'"</c>) and the
    /// request attributes <c>request.host</c>, <c>request.method</c>, <c>request.path</c> and <c>request.scheme</c>.
    /// </summary>
    private static TagOverride? TagOverride(YamlObject t)
    {
        var operation = t.String("operation") ?? "UPSERT";
        var hasValue = t.Has("value");
        var value = t.String("value");
        if (operation == "UPSERT" && !hasValue)
        {
            t.Context.Report(FindingCodes.MissingField, t.Span, $"{t.Path}.value must be set when the operation is UPSERT");
            return t.Finish<TagOverride>(null);
        }

        if (operation == "REMOVE" && hasValue)
        {
            t.Report(FindingCodes.InvalidValue, "value", $"{t.Path}.value must not be set when the operation is REMOVE");
            return t.Finish<TagOverride>(null);
        }

        if (operation is not ("UPSERT" or "REMOVE"))
        {
            t.Report(FindingCodes.InvalidEnum, "operation", $"{t.Path}.operation '{operation}' is not one of UPSERT, REMOVE");
            return t.Finish<TagOverride>(null);
        }

        if (value is not null && !TagExpressions.IsSupported(value))
        {
            t.Report(FindingCodes.UnimplementedField, "value",
                $"{t.Path}.value '{value}': only a string literal or {string.Join(", ", TagExpressions.Attributes)} is implemented; the tag is not set");
            return t.Finish<TagOverride>(null);
        }

        return t.Finish(new TagOverride(operation == "REMOVE", value));
    }
}
