using Mesh.Scenarios.Drivers;
using Reqnroll;

namespace Mesh.Scenarios.StepDefinitions;

/// <summary>Steps that send load through the gateway and check what users saw.</summary>
[Binding]
public sealed class TrafficStepDefinitions(TrafficDriver traffic)
{
    [When("{int} requests are sent to {string}")]
    public Task WhenRequestsAreSent(int requests, string path) => traffic.RunAsync(traffic.Plan(path, requests));

    [When("{int} requests are sent to {string} as user {string}")]
    public Task WhenRequestsAreSentAsUser(int requests, string path, string user) => traffic.RunAsync(traffic.Plan(path, requests, user: user));

    [When("{int} requests are sent to {string} over {int} connections")]
    public Task WhenRequestsAreSentOverConnections(int requests, string path, int connections) =>
        traffic.RunAsync(traffic.Plan(path, requests, connections: connections));

    [When("{int} requests are sent to {string} at {int} per second")]
    public Task WhenRequestsAreSentAtRate(int requests, string path, int rate) => traffic.RunAsync(traffic.Plan(path, requests, rate));

    [When("{int} requests are sent to {string} at {int} per second as user {string}")]
    public Task WhenRequestsAreSentAtRateAsUser(int requests, string path, int rate, string user) =>
        traffic.RunAsync(traffic.Plan(path, requests, rate, user));

    [When("a steady load of {int} requests per second runs against {string} for {int} seconds")]
    public void WhenASteadyLoadRuns(int rate, string path, int seconds) =>
        traffic.Start(traffic.Plan(path, requests: rate * seconds, rate: rate, duration: TimeSpan.FromSeconds(seconds)));

    [When("the load has finished")]
    public Task WhenTheLoadHasFinished() => traffic.FinishAsync();

    [Then("no request failed")]
    public void ThenNoRequestFailed()
    {
        var report = Report();
        Assert.True(report.Succeeded == report.Requests, $"{report.Requests - report.Succeeded} of {report.Requests} requests failed:\n{report}");
    }

    [Then("at least {double} percent succeed")]
    public void ThenAtLeastPercentSucceed(double percent) =>
        Assert.True(Report().SuccessPercent >= percent, $"{Report().SuccessPercent:0.00}% succeeded, wanted at least {percent}%:\n{Report()}");

    [Then("at most {double} percent succeed")]
    public void ThenAtMostPercentSucceed(double percent) =>
        Assert.True(Report().SuccessPercent <= percent, $"{Report().SuccessPercent:0.00}% succeeded, expected failures to show (at most {percent}%):\n{Report()}");

    [Then("{int} requests succeeded and {int} were answered {int}")]
    public void ThenSucceededAndRefused(int succeeded, int refused, int status)
    {
        var report = Report();
        Assert.True(report.StatusCodes.GetValueOrDefault(200) == succeeded && report.StatusCodes.GetValueOrDefault(status) == refused,
            $"wanted {succeeded} × 200 and {refused} × {status}:\n{report}");
    }

    [Then("every response was served by {string}")]
    public void ThenEveryResponseWasServedBy(string instance)
    {
        var report = Report();
        Assert.True(report.Classes.Count == 1 && report.Classes.TryGetValue(instance, out var count) && count == report.Requests,
            $"wanted all {report.Requests} responses from {instance}:\n{report}");
    }

    [Then("no response was served by {string}")]
    public void ThenNoResponseWasServedBy(string instance) =>
        Assert.False(Report().Classes.ContainsKey(instance), $"{instance} answered some requests:\n{Report()}");

    [Then("about {int} percent were served by {string}, within {int} points")]
    public void ThenAboutPercentWereServedBy(int percent, string instance, int tolerance)
    {
        var report = Report();
        var share = 100.0 * report.Classes.GetValueOrDefault(instance) / report.Requests;
        Assert.True(Math.Abs(share - percent) <= tolerance, $"{share:0.0}% served by {instance}, wanted {percent}% ± {tolerance}:\n{report}");
    }

    [Then("responses came from {string} and {string}")]
    public void ThenResponsesCameFrom(string first, string second) =>
        Assert.True(Report().Classes.ContainsKey(first) && Report().Classes.ContainsKey(second), $"wanted responses from {first} and {second}:\n{Report()}");

    [Then("the p{int} latency is below {int} ms")]
    public void ThenLatencyIsBelow(int percentile, int milliseconds)
    {
        var latency = Report().Percentile(percentile);
        Assert.True(latency < TimeSpan.FromMilliseconds(milliseconds), $"p{percentile} was {latency.TotalMilliseconds:0.0} ms, wanted below {milliseconds} ms:\n{Report()}");
    }

    [Then("the p{int} latency is above {int} ms")]
    public void ThenLatencyIsAbove(int percentile, int milliseconds)
    {
        var latency = Report().Percentile(percentile);
        Assert.True(latency > TimeSpan.FromMilliseconds(milliseconds), $"p{percentile} was {latency.TotalMilliseconds:0.0} ms, wanted above {milliseconds} ms:\n{Report()}");
    }

    [Then("the error budget of {double} percent was kept")]
    public void ThenTheErrorBudgetWasKept(double percent)
    {
        var report = Report();
        var spent = 100.0 * TrafficDriver.UserVisibleErrors(report) / report.Requests;
        Assert.True(spent <= percent, $"{spent:0.00}% of responses were errors or degraded pages, the budget is {percent}%:\n{report}");
    }

    private Mesh.LoadDriver.LoadReport Report() => traffic.LastReport ?? throw new InvalidOperationException("no load has run in this scenario");
}
