using System.Net;

namespace Mesh.LoadDriver;

/// <summary>
/// What to send and how: an open model (<see cref="RatePerSecond"/> set: requests start on a fixed schedule whether
/// or not earlier ones finished) or a closed model (<see cref="Connections"/> workers, each sending as fast as its
/// responses come back). Every plan is bounded by a request count, a duration, or both.
/// </summary>
public sealed record LoadPlan
{
    public required Uri Target { get; init; }

    public HttpMethod Method { get; init; } = HttpMethod.Get;

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Requests per second for the open model; null selects the closed model.</summary>
    public double? RatePerSecond { get; init; }

    /// <summary>Concurrent connections (closed model workers, or the open model's connection pool size).</summary>
    public int Connections { get; init; } = 16;

    public int? Requests { get; init; }

    public TimeSpan? Duration { get; init; }

    public Version HttpVersion { get; init; } = System.Net.HttpVersion.Version11;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Sorts successful responses into buckets (e.g. which version answered), reported as counts.</summary>
    public Func<HttpResponseMessage, string, string?>? Classify { get; init; }

    /// <summary>Makes the request body, for POSTs and gRPC-shaped requests.</summary>
    public Func<HttpContent?>? Body { get; init; }

    public void Validate()
    {
        if (Requests is null && Duration is null)
        {
            throw new ArgumentException("a load plan needs a request count, a duration, or both, so that it always ends");
        }

        if (RatePerSecond is <= 0 || Connections <= 0 || Requests is <= 0 || Duration <= TimeSpan.Zero)
        {
            throw new ArgumentException("rate, connections, requests and duration must be positive");
        }
    }

    public static Version Parse(string version) => version switch
    {
        "1.1" or "http1" => System.Net.HttpVersion.Version11,
        "2" or "2.0" or "h2c" or "http2" => System.Net.HttpVersion.Version20,
        _ => throw new ArgumentException($"unknown HTTP version '{version}'"),
    };
}
