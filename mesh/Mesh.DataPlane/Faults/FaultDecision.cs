namespace Mesh.DataPlane.Faults;

/// <summary>What fault injection decided for one request: a delay, an abort (HTTP or gRPC status), both, or neither.</summary>
public readonly record struct FaultDecision(TimeSpan? Delay, int? AbortHttpStatus, int? AbortGrpcStatus)
{
    public static readonly FaultDecision None = new(null, null, null);

    public bool Aborts => AbortHttpStatus is not null || AbortGrpcStatus is not null;
}
