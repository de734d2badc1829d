using System.Collections.Concurrent;
using System.Reflection;
using Reqnroll.XunitAdapter.Runtime;

namespace Reqnroll.XunitAdapter.Execution;

/// <summary>
/// The Reqnroll test run of a test assembly: <c>[BeforeTestRun]</c> runs once, when it starts, and
/// <c>[AfterTestRun]</c> once, when xunit finishes the assembly (see <see cref="GherkinTestAssemblyRunner"/>).
/// </summary>
internal static class TestRun
{
    private static readonly ConcurrentDictionary<Assembly, Lazy<Task>> Runs = new();

    /// <summary>Called when xunit starts running the assembly: from now on its scenarios may start the test run.</summary>
    public static void Open(Assembly testAssembly)
        => Runs.TryAdd(testAssembly, new Lazy<Task>(() => TestRunnerManager.OnTestRunStartAsync(testAssembly, new AdapterContainerBuilder())));

    /// <summary>Starts the test run on first use; later calls return the same task, failed if a hook failed.</summary>
    public static Task StartAsync(Assembly testAssembly)
    {
        if (Runs.TryGetValue(testAssembly, out var run))
            return run.Value;

        throw new InvalidOperationException(
            $"Scenarios of '{testAssembly.GetName().Name}' need the adapter's xunit test framework, which runs the [AfterTestRun] hooks. Add " +
            $"[assembly: Xunit.TestFramework({nameof(GherkinTestFramework)}.{nameof(GherkinTestFramework.TypeName)}, {nameof(GherkinTestFramework)}.{nameof(GherkinTestFramework.AssemblyName)})] to the test project.");
    }

    /// <summary>Ends the test run (remaining <c>[AfterFeature]</c> hooks, then <c>[AfterTestRun]</c>) if it was started.</summary>
    public static async Task EndAsync(Assembly testAssembly)
    {
        if (Runs.TryRemove(testAssembly, out var run) && run.IsValueCreated)
            await TestRunnerManager.OnTestRunEndAsync(testAssembly);
    }
}
