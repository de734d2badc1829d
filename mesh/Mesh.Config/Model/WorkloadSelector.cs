namespace Mesh.Config.Model;

/// <summary>Selects workloads by labels (<c>selector.matchLabels</c> or <c>workloadSelector.labels</c>); empty selects all.</summary>
public sealed record WorkloadSelector(IReadOnlyDictionary<string, string> Labels)
{
    public static readonly WorkloadSelector All = new(new Dictionary<string, string>());

    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        Labels.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value);
}
