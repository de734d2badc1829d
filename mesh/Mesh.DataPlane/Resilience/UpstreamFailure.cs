namespace Mesh.DataPlane.Resilience;

/// <summary>How an attempt failed before a usable response arrived.</summary>
public enum UpstreamFailure
{
    None,

    /// <summary>The connection could not be made (refused, unreachable).</summary>
    ConnectFailure,

    /// <summary>The connection or stream was reset after it was made.</summary>
    Reset,

    /// <summary>The HTTP/2 stream was refused (REFUSED_STREAM).</summary>
    RefusedStream,

    /// <summary>The per-try timeout expired.</summary>
    Timeout,
}
