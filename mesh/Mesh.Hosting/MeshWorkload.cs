using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>A workload in the mesh: the app, its sidecar, and the labels and ports it registers with.</summary>
public sealed record MeshWorkload(
    IResourceBuilder<ProjectResource> App,
    IResourceBuilder<ProjectResource> Sidecar,
    string AppLabel,
    string Version,
    IReadOnlyList<MeshPort> Ports);
