using System.ComponentModel;
using System.Runtime.InteropServices;
using Mesh.Chaos.Experiments;

namespace Mesh.Chaos.Actions;

/// <summary>POSIX signals to a process by pid (Linux numbers).</summary>
public static partial class ProcessSignals
{
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;

    private const int NoSuchProcess = 3;

    public static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"kill({pid}, {signal}) failed");
        }
    }

    /// <summary>
    /// Signals a process and every process under it, the deepest first: a launcher such as <c>dotnet run</c> and the
    /// app it started are one instance, and killing only the launcher would leave the app running. A process that
    /// ends (and is reaped) between the listing and its signal is skipped: it is already where the signal would put it.
    /// </summary>
    public static void SendToTree(int pid, int signal)
    {
        foreach (var child in Children(pid))
        {
            SendToTree(child, signal);
        }

        if (Kill(pid, signal) != 0 && Marshal.GetLastPInvokeError() is var error && error != NoSuchProcess)
        {
            throw new Win32Exception(error, $"kill({pid}, {signal}) failed");
        }
    }

    /// <summary>The direct children of a process, from /proc.</summary>
    public static IReadOnlyList<int> Children(int pid)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var candidate) && ParentOf(candidate) == pid)
            {
                children.Add(candidate);
            }
        }

        return children;
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The process state letter from /proc (R, S, T for stopped, Z, …), or null when it is gone.</summary>
    public static char? State(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0];
        }
        catch (IOException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

/// <summary>Freezes a process with SIGSTOP; its rollback resumes it with SIGCONT. Its sockets stay open, so peers see a hang, not a reset.</summary>
public sealed record PauseProcess(int Pid, string Label) : IReversibleAction
{
    public string Name => $"pause {Label} (pid {Pid}) with SIGSTOP";

    public Task RunAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        ProcessSignals.Send(Pid, ProcessSignals.SigStop);
        return Task.CompletedTask;
    }

    public Task RollbackAsync(ChaosContext context, CancellationToken cancellationToken)
    {
        if (ProcessSignals.State(Pid) is not null)
        {
            ProcessSignals.Send(Pid, ProcessSignals.SigCont);
        }

        return Task.CompletedTask;
    }
}
