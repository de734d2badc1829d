using System.Diagnostics;
using Mesh.Config.Model.Telemetry;
using Mesh.Config.Registry;

namespace Mesh.DataPlane.Telemetry;

/// <summary>
/// What Istio's Telemetry <c>metrics</c> overrides make of one proxy's standard metrics: for each metric and side
/// (client reports <c>reporter="source"</c>, server <c>"destination"</c>), whether it is recorded, which labels it drops
/// and which it sets. Overrides apply in Istio's order of precedence (the root namespace's, then the workload's
/// namespace's, then those selecting the workload), a later one winning for the same metric and tag.
/// </summary>
public sealed class MetricPolicy
{
    public static readonly MetricPolicy Standard = new(new Dictionary<(IstioMetric, bool), MetricShape>());

    private static readonly IstioMetric[] Metrics = Enum.GetValues<IstioMetric>().Where(m => m != IstioMetric.AllMetrics).ToArray();

    private readonly Dictionary<(IstioMetric Metric, bool Server), MetricShape> _shapes;

    private MetricPolicy(Dictionary<(IstioMetric, bool), MetricShape> shapes) => _shapes = shapes;

    /// <summary>True when no override applies, so the proxy records every metric with its standard labels.</summary>
    public bool IsStandard => _shapes.Count == 0;

    public MetricShape For(IstioMetric metric, bool server) => _shapes.GetValueOrDefault((metric, server)) ?? MetricShape.Standard;

    public static MetricPolicy Build(IEnumerable<Config.Model.Telemetry.Telemetry> telemetries, Workload workload, string rootNamespace)
    {
        var applicable = telemetries.Where(t => t.MetricOverrides.Count > 0).ToArray();
        var ordered = applicable.Where(t => t.Namespace == rootNamespace && t.Selector is null or { Labels.Count: 0 })
            .Concat(applicable.Where(t => t.Namespace == workload.Namespace && t.Namespace != rootNamespace && t.Selector is null or { Labels.Count: 0 }))
            .Concat(applicable.Where(t => t.Namespace == workload.Namespace && t.Selector is { Labels.Count: > 0 } s && s.Matches(workload.Labels)))
            .SelectMany(t => t.MetricOverrides).ToArray();
        if (ordered.Length == 0)
        {
            return Standard;
        }

        var shapes = new Dictionary<(IstioMetric, bool), MetricShape>();
        foreach (var metric in Metrics)
        {
            foreach (var server in new[] { false, true })
            {
                var disabled = false;
                var tags = new Dictionary<string, TagOverride>(StringComparer.Ordinal);
                foreach (var o in ordered.Where(o => (o.Metric == IstioMetric.AllMetrics || o.Metric == metric) && Covers(o.Mode, server)))
                {
                    disabled = o.Disabled ?? disabled;
                    foreach (var (tag, change) in o.Tags)
                    {
                        tags[tag] = change;
                    }
                }

                if (disabled || tags.Count > 0)
                {
                    shapes[(metric, server)] = new MetricShape(disabled, tags);
                }
            }
        }

        return new MetricPolicy(shapes);
    }

    private static bool Covers(MetricMode mode, bool server) => mode == MetricMode.ClientAndServer || (mode == MetricMode.Server) == server;
}

/// <summary>One metric's shape on one side: recorded or not, and its tag overrides.</summary>
public sealed class MetricShape(bool disabled, IReadOnlyDictionary<string, TagOverride> tags)
{
    public static readonly MetricShape Standard = new(false, new Dictionary<string, TagOverride>());

    public bool Disabled { get; } = disabled;

    public bool IsStandard => !Disabled && tags.Count == 0;

    /// <summary>The standard labels with the overrides applied; an attribute the request does not have is <c>unknown</c>.</summary>
    public TagList Apply(in TagList standard, Func<string, string?> attribute)
    {
        var result = new TagList();
        foreach (var tag in standard)
        {
            if (!tags.TryGetValue(tag.Key, out var change))
            {
                result.Add(tag);
            }
            else if (!change.Remove)
            {
                result.Add(tag.Key, Value(change.Value!, attribute));
            }
        }

        foreach (var (key, change) in tags)
        {
            if (!change.Remove && !Contains(standard, key))
            {
                result.Add(key, Value(change.Value!, attribute));
            }
        }

        return result;
    }

    private static string Value(string expression, Func<string, string?> attribute) =>
        TagExpressions.Literal(expression) ?? attribute(expression.Trim()) ?? "unknown";

    private static bool Contains(in TagList tags, string key)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key)
            {
                return true;
            }
        }

        return false;
    }
}
