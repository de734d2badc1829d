using Mesh.Config.Diagnostics;
using Mesh.Config.Model;

namespace Mesh.Config;

/// <summary>What loading produced: the resources that could be read, and every finding on the way.</summary>
public sealed record ConfigLoadResult(IReadOnlyList<MeshResource> Resources, IReadOnlyList<Finding> Findings)
{
    public bool HasErrors => Findings.Any(f => f.Severity == Severity.Error);

    public IEnumerable<Finding> Errors => Findings.Where(f => f.Severity == Severity.Error);
}
