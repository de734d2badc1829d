using System.Net;
using Mesh.Scenarios.Drivers;
using Reqnroll;

namespace Mesh.Scenarios.StepDefinitions;

/// <summary>Steps of a reader using Bookinfo through the ingress gateway.</summary>
[Binding]
public sealed class GatewayStepDefinitions(GatewayDriver gateway)
{
    [When("a reader opens {string} through the gateway")]
    public async Task WhenAReaderOpens(string path) => Assert.Equal(HttpStatusCode.OK, await gateway.GetAsync(path));

    [When("{string} opens {string} through the gateway")]
    public async Task WhenUserOpens(string user, string path) => Assert.Equal(HttpStatusCode.OK, await gateway.GetAsync(path, user));

    [Then("the page does not show {string}")]
    public void ThenThePageDoesNotShow(string text) => Assert.DoesNotContain(text, gateway.LastBody);

    [Then("the page shows {string}")]
    public void ThenThePageShows(string text) => Assert.Contains(text, gateway.LastBody);

    [Then("the page shows reviews served by {string}")]
    public void ThenThePageShowsReviewsServedBy(string workloadPrefix) =>
        Assert.Matches($"Reviews served by: {workloadPrefix}", gateway.LastBody);

    [Then("the response carries the header {string}")]
    public void ThenTheResponseCarriesTheHeader(string header) =>
        Assert.True(gateway.LastResponse!.Headers.Contains(header) || gateway.LastResponse.Content.Headers.Contains(header),
            $"the response has no {header} header; it has: {string.Join(", ", gateway.LastResponse.Headers.Select(h => h.Key))}");
}
