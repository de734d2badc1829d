using Mesh.Chaos.Actions;
using Mesh.Chaos.Experiments;

namespace Mesh.Chaos.Tests;

public class ExperimentRunnerTests
{
    private readonly List<string> _log = [];

    [Fact]
    public async Task RunAsync_SteadyStateHolds_RunsMethodChecksAgainAndRollsBackNewestFirst()
    {
        var journal = await ExperimentRunner.RunAsync(new Experiment("two faults")
        {
            SteadyState = [Probe("healthy", true)],
            Method = [Reversible("fault a"), Reversible("fault b")],
            Rollbacks = [Chaos.Experiments.Chaos.Action("explicit rollback", (_, _) => Note("explicit rollback"))],
        });

        Assert.Equal(ExperimentStatus.Completed, journal.Status);
        Assert.Equal(["probe healthy", "run fault a", "run fault b", "probe healthy", "undo fault b", "undo fault a", "explicit rollback"], _log);
        Assert.Equal(["probe", "action", "action", "probe", "rollback", "rollback", "rollback"], journal.Runs.Select(r => r.Kind));
    }

    [Fact]
    public async Task RunAsync_SteadyStateNotMetBefore_FailsWithoutRunningTheMethod()
    {
        var journal = await ExperimentRunner.RunAsync(new Experiment("broken already")
        {
            SteadyState = [Probe("healthy", false)],
            Method = [Reversible("fault")],
        });

        Assert.Equal(ExperimentStatus.Failed, journal.Status);
        Assert.Equal(["probe healthy"], _log);
    }

    [Fact]
    public async Task RunAsync_SteadyStateLostAfterMethod_Deviates()
    {
        var calls = 0;
        var journal = await ExperimentRunner.RunAsync(new Experiment("weakness")
        {
            SteadyState = [Chaos.Experiments.Chaos.Probe("healthy", (_, _) => Task.FromResult((++calls == 1, "calls " + calls)))],
            Method = [Reversible("fault")],
        });

        Assert.Equal(ExperimentStatus.Deviated, journal.Status);
        Assert.Contains(journal.Runs, r => r.Kind == "rollback" && r.Name == "fault" && r.Succeeded);
    }

    [Fact]
    public async Task RunAsync_ActionThrows_AbortsAndStillRollsBackWhatStarted()
    {
        var journal = await ExperimentRunner.RunAsync(new Experiment("half done")
        {
            Method =
            [
                Reversible("fault a"),
                Chaos.Experiments.Chaos.Action("breaks", (_, _) => throw new InvalidOperationException("no such instance"), (_, _) => Note("undo breaks")),
                Reversible("never runs"),
            ],
        });

        Assert.Equal(ExperimentStatus.Aborted, journal.Status);
        Assert.Equal(["run fault a", "undo breaks", "undo fault a"], _log);
        Assert.Contains(journal.Runs, r => r is { Kind: "action", Name: "breaks", Succeeded: false } && r.Detail!.Contains("no such instance", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RollbackAsync_OneRollbackFails_TheOthersStillRun()
    {
        await using var session = new ChaosSession("rollbacks", new ChaosContext(1));
        await session.RunAsync(Reversible("a"));
        await session.RunAsync(Chaos.Experiments.Chaos.Action("b", (_, _) => Task.CompletedTask, (_, _) => throw new IOException("gone")));
        await session.RollbackAsync();

        Assert.Equal(["run a", "undo a"], _log);
        Assert.Contains(session.Journal.Runs, r => r is { Kind: "rollback", Name: "b", Succeeded: false });
        Assert.Contains("FAIL b: IOException: gone", session.Journal.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KillOneOf_SameSeed_ChoosesTheSameInstances()
    {
        string[] candidates = ["reviews-v1", "reviews-v2", "reviews-v3"];
        async Task<string[]> ChooseAsync(int seed)
        {
            var controller = new RecordingController();
            var context = new ChaosContext(seed);
            for (var i = 0; i < 8; i++)
            {
                await new KillOneOf(controller, candidates).RunAsync(context, CancellationToken.None);
            }

            return [.. controller.Killed];
        }

        var first = await ChooseAsync(42);
        Assert.Equal(first, await ChooseAsync(42));
        Assert.NotEqual(first, await ChooseAsync(43));
        Assert.True(first.Distinct().Count() > 1);
    }

    [Fact]
    public async Task KillOneOf_RollsBackByStartingTheChosenInstance()
    {
        var controller = new RecordingController();
        await using (var session = new ChaosSession("kill", new ChaosContext(7)))
        {
            await session.RunAsync(new KillOneOf(controller, ["a", "b", "c"]));
        }

        Assert.Equal(controller.Killed, controller.Started);
    }

    private Task Note(string entry)
    {
        _log.Add(entry);
        return Task.CompletedTask;
    }

    private IProbe Probe(string name, bool met) => Chaos.Experiments.Chaos.Probe(name, async (_, _) =>
    {
        await Note("probe " + name);
        return (met, met ? "met" : "not met");
    });

    private IChaosAction Reversible(string name) =>
        Chaos.Experiments.Chaos.Action(name, (_, _) => Note("run " + name), (_, _) => Note("undo " + name));

    private sealed class RecordingController : IInstanceController
    {
        public List<string> Killed { get; } = [];

        public List<string> Started { get; } = [];

        public Task KillAsync(string instance, CancellationToken cancellationToken)
        {
            Killed.Add(instance);
            return Task.CompletedTask;
        }

        public Task StopAsync(string instance, CancellationToken cancellationToken) => KillAsync(instance, cancellationToken);

        public Task StartAsync(string instance, CancellationToken cancellationToken)
        {
            Started.Add(instance);
            return Task.CompletedTask;
        }
    }
}
