using System.Collections.Concurrent;
using System.Globalization;
using Mesh.Config.Model;
using Mesh.Config.Model.Networking;
using Mesh.Config.Source;

namespace Mesh.Proxy.Admin;

/// <summary>
/// Runtime overrides set through the admin port, with Envoy's runtime keys for the HTTP fault filter. They make
/// this one proxy inject faults into its inbound traffic, which is how the chaos engine makes a single instance
/// fail or slow down without touching the service:
/// <c>fault.http.abort.http_status</c>, <c>fault.http.abort.abort_percent</c>,
/// <c>fault.http.delay.fixed_duration_ms</c>, <c>fault.http.delay.fixed_delay_percent</c>.
/// </summary>
public sealed class RuntimeOverrides
{
    public const string AbortStatus = "fault.http.abort.http_status";
    public const string AbortPercent = "fault.http.abort.abort_percent";
    public const string DelayMs = "fault.http.delay.fixed_duration_ms";
    public const string DelayPercent = "fault.http.delay.fixed_delay_percent";

    private static readonly string[] Keys = [AbortStatus, AbortPercent, DelayMs, DelayPercent];

    private readonly ConcurrentDictionary<string, string> _values = new(StringComparer.Ordinal);
    private volatile HttpFaultInjection? _inboundFault;

    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>The fault for inbound requests that the overrides describe, or null.</summary>
    public HttpFaultInjection? InboundFault => _inboundFault;

    /// <summary>Sets (or, with an empty value, removes) keys. Returns an error for an unknown key or a bad number.</summary>
    public string? Modify(IEnumerable<KeyValuePair<string, string>> changes)
    {
        var pending = changes.ToArray();
        foreach (var (key, value) in pending)
        {
            if (!Keys.Contains(key))
            {
                return $"unknown runtime key '{key}'; known keys are {string.Join(", ", Keys)}";
            }

            if (value.Length > 0 && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                return $"runtime key '{key}' needs a number, not '{value}'";
            }
        }

        foreach (var (key, value) in pending)
        {
            if (value.Length == 0)
            {
                _values.TryRemove(key, out _);
            }
            else
            {
                _values[key] = value;
            }
        }

        _inboundFault = Build();
        return null;
    }

    public void Clear()
    {
        _values.Clear();
        _inboundFault = null;
    }

    private HttpFaultInjection? Build()
    {
        double? Number(string key) => _values.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : null;
        var abort = Number(AbortStatus) is { } status
            ? new FaultAbort((int)status, null, new Percent(Number(AbortPercent) ?? 100), SourceSpan.None)
            : null;
        var delay = Number(DelayMs) is { } ms
            ? new FaultDelay(TimeSpan.FromMilliseconds(ms), new Percent(Number(DelayPercent) ?? 100), SourceSpan.None)
            : null;
        return abort is null && delay is null ? null : new HttpFaultInjection { Source = SourceSpan.None, Abort = abort, Delay = delay };
    }
}
