using System.Globalization;

namespace Mesh.Benchmarks;

/// <summary>What /proc says about a process: CPU seconds used so far (user + system) and resident memory.</summary>
public static class ProcessStats
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    public static double RssMegabytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>
    /// Proportional set size: private memory plus each shared page divided by the processes mapping it. The .NET
    /// runtime's and framework's code pages are shared by every .NET process on the node (and by containers of one
    /// image), so this is the memory one more proxy costs; RSS counts those pages whole in each.
    /// </summary>
    public static double PssMegabytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/smaps_rollup").First(l => l.StartsWith("Pss:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>The process and every process under it (a launcher and the program it runs).</summary>
    public static IReadOnlyList<int> Tree(int pid) => [pid, .. Mesh.Chaos.Actions.ProcessSignals.Children(pid).SelectMany(Tree)];
}
