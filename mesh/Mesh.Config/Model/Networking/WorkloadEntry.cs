namespace Mesh.Config.Model.Networking;

/// <summary>
/// Istio's WorkloadEntry: a workload the mesh did not start (a VM, a process on the host), described by its address,
/// ports, labels and service account. It joins the services its labels select (the <c>app</c> label's service, and a
/// ServiceEntry's <c>workloadSelector</c>) as an endpoint without a sidecar: the mesh calls it in plaintext.
/// </summary>
public sealed record WorkloadEntry : MeshResource
{
    public override string Kind => "WorkloadEntry";

    public required WorkloadEntrySpec Spec { get; init; }
}
