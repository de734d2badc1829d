using System.Diagnostics;

namespace Mesh.Benchmarks.Scale;

/// <summary>
/// When each config change was made and when each simulated proxy ACKed a snapshot holding it (or a later one, since
/// the control plane may fold several changes into one push): the convergence time of change m at proxy p.
/// </summary>
public sealed class ConvergenceLog(int proxies, int changes)
{
    private readonly long[] _madeAt = new long[changes + 1];
    private readonly double[][] _seconds = [.. Enumerable.Range(0, changes + 1).Select(_ => Enumerable.Repeat(double.NaN, proxies).ToArray())];

    public void Made(int marker) => Volatile.Write(ref _madeAt[marker], Stopwatch.GetTimestamp());

    /// <summary>A proxy went from marker <paramref name="from"/> to <paramref name="to"/>: every change in between reached it now.</summary>
    public void Applied(int proxy, int from, int to)
    {
        var now = Stopwatch.GetTimestamp();
        for (var marker = Math.Max(from + 1, 1); marker <= to && marker < _madeAt.Length; marker++)
        {
            if (Volatile.Read(ref _madeAt[marker]) is var made and > 0)
            {
                _seconds[marker][proxy] = Stopwatch.GetElapsedTime(made, now).TotalSeconds;
            }
        }
    }

    /// <summary>Every proxy's convergence time for the changes in [first, last], sorted; NaN for a proxy that never got one.</summary>
    public double[] Times(int first, int last) =>
        [.. Enumerable.Range(first, last - first + 1).SelectMany(m => _seconds[m]).Order()];
}
