using System.Text.RegularExpressions;
using Mesh.LoadDriver;

namespace Mesh.Scenarios.Drivers;

/// <summary>
/// Sends bounded load through the gateway with the load driver and keeps the report. Each response is classified
/// by the reviews instance that served it (productpage's page and API both name it).
/// </summary>
public sealed partial class TrafficDriver(RunningMesh mesh)
{
    private Task<LoadReport>? _background;
    private LoadPlan? _backgroundPlan;
    private long _backgroundCompleted;

    private readonly List<(LoadPlan Plan, LoadReport Report)> _reports = [];

    public LoadReport? LastReport { get; private set; }

    /// <summary>Every load this scenario ran, for the run report.</summary>
    public IReadOnlyList<(LoadPlan Plan, LoadReport Report)> Reports => _reports;

    /// <summary>Where load enters the mesh: the gateway, or a chaos delay proxy in front of it.</summary>
    public Uri Entry { get; set; } = mesh.Gateway;

    /// <summary>The responses a user would count as broken: any non-2xx answer, or a page that says part of it is unavailable.</summary>
    public static long UserVisibleErrors(LoadReport report) => report.Requests - report.Succeeded + report.Classes.GetValueOrDefault(Degraded);

    public const string Degraded = "degraded";

    public LoadPlan Plan(string path, int? requests, double? rate = null, string? user = null, TimeSpan? duration = null, int connections = 8) => new()
    {
        Target = new Uri(Entry, path),
        Requests = requests,
        Duration = duration,
        RatePerSecond = rate,
        Connections = connections,
        Headers = user is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Cookie"] = $"user={user}" },
        Classify = (_, body) => ReviewsInstance().Match(body) is { Success: true } m ? m.Value
            : body.Contains("currently unavailable", StringComparison.Ordinal) ? Degraded : null,
    };

    public async Task<LoadReport> RunAsync(LoadPlan plan)
    {
        LastReport = await LoadRunner.RunAsync(plan);
        _reports.Add((plan, LastReport));
        return LastReport;
    }

    /// <summary>Runs a plan against a target of the caller's (e.g. a host in a network namespace).</summary>
    public async Task<LoadReport> RunAsync(LoadPlan plan, ILoadTarget target)
    {
        LastReport = await LoadRunner.RunAsync(plan, target, TimeProvider.System);
        _reports.Add((plan, LastReport));
        return LastReport;
    }

    /// <summary>Starts a load in the background; later steps act while it runs.</summary>
    public void Start(LoadPlan plan)
    {
        var progress = new Progress<LoadProgress>(p => Interlocked.Exchange(ref _backgroundCompleted, p.Completed));
        _backgroundPlan = plan;
        Interlocked.Exchange(ref _backgroundCompleted, 0);
        _background = Task.Run(() => LoadRunner.RunAsync(plan, progress));
    }

    /// <summary>Waits (by the load's own progress, about once a second) until the background load has completed <paramref name="responses"/>.</summary>
    public async Task WaitForResponsesAsync(int responses)
    {
        while (Interlocked.Read(ref _backgroundCompleted) < responses)
        {
            if (_background is null || _background.IsCompleted)
            {
                return;
            }

            await Task.WhenAny(_background, Task.Delay(TimeSpan.FromMilliseconds(100)));
        }
    }

    public async Task<LoadReport> FinishAsync()
    {
        LastReport = await (_background ?? throw new InvalidOperationException("no load was started"));
        _reports.Add((_backgroundPlan!, LastReport));
        _background = null;
        return LastReport;
    }

    [GeneratedRegex("reviews-v[0-9]+")]
    private static partial Regex ReviewsInstance();
}
