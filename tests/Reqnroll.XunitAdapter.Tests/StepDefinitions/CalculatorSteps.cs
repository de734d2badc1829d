using System.Globalization;
using Reqnroll.XunitAdapter.Tests.Domain;
using Xunit;

namespace Reqnroll.XunitAdapter.Tests.StepDefinitions;

/// <summary>Steps of the calculator features; the calculator comes in through context injection.</summary>
[Binding]
public sealed class CalculatorSteps(Calculator calculator, IReqnrollOutputHelper output)
{
    [Given("the calculator is switched on")]
    public void GivenTheCalculatorIsSwitchedOn() => calculator.SwitchOn();

    [Given("I have entered {int} into the calculator")]
    public void GivenIHaveEntered(int number) => calculator.Enter(number);

    [Given("I have entered these numbers:")]
    public void GivenIHaveEnteredTheseNumbers(Table numbers)
    {
        foreach (var row in numbers.Rows)
            calculator.Enter(decimal.Parse(row["number"], CultureInfo.InvariantCulture));
    }

    // A regular expression rather than a Cucumber expression, to cover both kinds of binding.
    [When(@"^I press (add|subtract|multiply|divide)$")]
    public void WhenIPress(string operation)
    {
        calculator.Press(operation);
        output.WriteLine($"Screen: {calculator.Screen}");
    }

    [Then("the screen shows {word}")]
    public void ThenTheScreenShows(string expected) => Assert.Equal(expected, calculator.Screen);

    [Then("the screen does not show {word}")]
    public void ThenTheScreenDoesNotShow(string unexpected) => Assert.NotEqual(unexpected, calculator.Screen);

    [Then("the tape reads:")]
    public void ThenTheTapeReads(string tape)
        => Assert.Equal(tape.Split('\n').Select(line => line.TrimEnd('\r')), calculator.Tape);
}
