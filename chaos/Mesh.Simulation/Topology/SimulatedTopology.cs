using Mesh.Config.Diagnostics;
using Mesh.Config.Source;
using Mesh.Config.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mesh.Simulation.Topology;

/// <summary>Latency as a log-normal distribution given by its median and p99 (p99 defaults to 3x the median).</summary>
public sealed record LatencyModel(TimeSpan Median, TimeSpan P99)
{
    public static readonly LatencyModel Default = new(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(15));

    /// <summary>sigma of the underlying normal: p99 = median * e^(2.326 sigma).</summary>
    public double Sigma => P99 <= Median ? 0 : Math.Log(P99.TotalMilliseconds / Median.TotalMilliseconds) / 2.3263478740408408;
}

/// <summary>
/// One version of a service: how many replicas, how fast, how often it fails on its own, its own calls when they
/// differ from the service's, and how many requests a replica works on at once (the rest wait their turn, so load
/// turns into latency; unlimited when not given).
/// </summary>
public sealed record VersionModel(string Version, int Replicas, LatencyModel Latency, double ErrorRate, IReadOnlyList<CallModel>? Calls = null,
    int ErrorStatus = 503, int? Concurrency = null);

/// <summary>A call a service makes while serving a request (in its order, or all at once when the service calls in parallel).</summary>
public sealed record CallModel(string To, string Path, double Probability);

public sealed record ServiceModel(string Name, int Port, IReadOnlyList<VersionModel> Versions, IReadOnlyList<CallModel> Calls, bool Parallel);

/// <summary>Open-model arrivals (Poisson) at a service, from outside the mesh through a client sidecar.</summary>
public sealed record IngressModel(string Service, double Rate, string Path, IReadOnlyDictionary<string, string> Headers);

/// <summary>A change to replicas at a time: an error rate, a slowdown factor, a crash or a recovery.</summary>
public sealed record FailureEvent(TimeSpan At, string Service, string? Version, int? Replica, double? ErrorRate, double? Slowdown, bool Crash, bool Recover, int? ErrorStatus = null);

/// <summary>
/// The synthetic mesh a simulation runs: services with versions and replicas, their call graph, latency and failure
/// models, the arrivals from outside, and a timeline of failures. Read from YAML with the mesh's own positional
/// reader, so a bad file is reported with file, line and reason, and unknown fields are errors.
/// </summary>
public sealed record SimulatedTopology(string Namespace, IReadOnlyList<ServiceModel> Services, IReadOnlyList<IngressModel> Ingress, IReadOnlyList<FailureEvent> Events)
{
    public ServiceModel? Service(string name) => Services.FirstOrDefault(s => s.Name == name);

    public static SimulatedTopology Load(string file) => Parse(File.ReadAllText(file), file);

    /// <summary>Reads a topology; throws <see cref="TopologyException"/> with every error found, each with file:line.</summary>
    public static SimulatedTopology Parse(string yaml, string file)
    {
        var findings = new List<Finding>();
        var context = new ReadContext(file, 0, findings);
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode
                ?? throw new TopologyException([FindingCodes.WrongType.At(new SourceSpan(file, 1, 1), "a topology is a YAML mapping with services, ingress and events")]);
        }
        catch (YamlException e)
        {
            throw new TopologyException([FindingCodes.YamlSyntax.At(new SourceSpan(file, (int)e.Start.Line, (int)e.Start.Column), $"YAML syntax error: {e.Message}")]);
        }

        var top = new YamlObject(root, "topology", context);
        var ns = top.String("namespace") ?? "default";
        var services = top.List("services", ReadService);
        var ingress = top.List("ingress", o => new IngressModel(
            o.String("service", required: true) ?? "", Positive(o, "rate") ?? 0, o.String("path") ?? "/", o.StringMap("headers")));
        var events = top.List("events", o => new FailureEvent(
            o.Duration("at") ?? TimeSpan.Zero, o.String("service", required: true) ?? "", o.String("version"), o.Int("replica", 0),
            Fraction(o, "errorRate"), Positive(o, "slowdown"), o.Bool("crash") ?? false, o.Bool("recover") ?? false, o.Int("errorStatus", 500, 599)));
        top.Finish(0);
        var topology = new SimulatedTopology(ns, services, ingress, events);
        Check(topology, top, findings);
        if (findings.Any(f => f.Severity == Severity.Error))
        {
            throw new TopologyException(findings.Where(f => f.Severity == Severity.Error).ToArray());
        }

        return topology;
    }

    private static ServiceModel ReadService(YamlObject o) => new(
        o.String("name", required: true) ?? "",
        o.Int("port", 1, 65535) ?? 9080,
        o.List("versions", v => new VersionModel(
            v.String("version") ?? "v1",
            v.Int("replicas", 1, 10_000) ?? 1,
            v.Object("latency", l => new LatencyModel(l.Duration("median") ?? LatencyModel.Default.Median,
                l.Duration("p99") ?? 3 * (l.Duration("median") ?? LatencyModel.Default.Median))) ?? LatencyModel.Default,
            Fraction(v, "errorRate") ?? 0,
            v.Has("calls") ? v.List("calls", ReadCall) : null,
            v.Int("errorStatus", 500, 599) ?? 503,
            v.Int("concurrency", 1, 1_000_000))) is { Count: > 0 } versions ? versions : [new VersionModel("v1", 1, LatencyModel.Default, 0)],
        o.List("calls", ReadCall),
        (o.String("callMode") ?? "sequential") switch
        {
            "parallel" => true,
            "sequential" => false,
            var other => Invalid(o, "callMode", $"callMode '{other}' is sequential or parallel"),
        });

    private static CallModel ReadCall(YamlObject c) => new(c.String("to", required: true) ?? "", c.String("path") ?? "/", Fraction(c, "probability") ?? 1);

    private static bool Invalid(YamlObject o, string key, string message)
    {
        o.Context.Report(FindingCodes.InvalidEnum, o.SpanOf(key), message);
        return false;
    }

    private static double? Fraction(YamlObject o, string key) => o.Double(key) is { } value && (value < 0 || value > 1)
        ? Report(o, key, $"{o.Path}.{key} is {value}; it is a fraction from 0 to 1")
        : o.Has(key) ? Parsed(o, key) : null;

    private static double? Positive(YamlObject o, string key) => o.Double(key) is { } value && value <= 0
        ? Report(o, key, $"{o.Path}.{key} is {value}; it must be above 0")
        : o.Has(key) ? Parsed(o, key) : null;

    /// <summary>A number already read once (and reported once if it was not a number).</summary>
    private static double? Parsed(YamlObject o, string key) =>
        double.TryParse((o.Node(key) as YamlScalarNode)?.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;

    private static double? Report(YamlObject o, string key, string message)
    {
        o.Context.Report(FindingCodes.InvalidValue, o.SpanOf(key), message);
        return null;
    }

    /// <summary>What only the whole topology shows: calls and arrivals to services that do not exist, duplicate names.</summary>
    private static void Check(SimulatedTopology topology, YamlObject top, List<Finding> findings)
    {
        var names = topology.Services.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var span = top.Span;
        foreach (var duplicate in topology.Services.GroupBy(s => s.Name).Where(g => g.Count() > 1))
        {
            findings.Add(FindingCodes.DuplicateResource.At(span, $"service '{duplicate.Key}' is defined {duplicate.Count()} times"));
        }

        foreach (var (service, call) in topology.Services.SelectMany(s => s.Calls.Concat(s.Versions.SelectMany(v => v.Calls ?? [])).Select(c => (s, c))).Where(x => !names.Contains(x.c.To)))
        {
            findings.Add(FindingCodes.InvalidValue.At(span, $"service '{service.Name}' calls '{call.To}', which is not a service of the topology"));
        }

        foreach (var ingress in topology.Ingress.Where(i => !names.Contains(i.Service)))
        {
            findings.Add(FindingCodes.InvalidValue.At(span, $"ingress sends to '{ingress.Service}', which is not a service of the topology"));
        }

        foreach (var e in topology.Events.Where(e => !names.Contains(e.Service)))
        {
            findings.Add(FindingCodes.InvalidValue.At(span, $"an event at {e.At} names '{e.Service}', which is not a service of the topology"));
        }

        if (topology.Ingress.Count == 0)
        {
            findings.Add(FindingCodes.MissingField.At(span, "the topology has no ingress: nothing would call the mesh"));
        }
    }
}

/// <summary>A topology file that cannot be simulated, with each problem's file, line and reason.</summary>
public sealed class TopologyException(IReadOnlyList<Finding> findings)
    : Exception(string.Join(Environment.NewLine, findings.Select(f => f.ToString())))
{
    public IReadOnlyList<Finding> Findings { get; } = findings;
}
