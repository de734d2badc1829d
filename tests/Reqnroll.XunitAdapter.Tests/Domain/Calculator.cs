using System.Globalization;

namespace Reqnroll.XunitAdapter.Tests.Domain;

/// <summary>A pocket calculator with a paper tape: the system under test of the calculator features.</summary>
public sealed class Calculator
{
    private readonly List<decimal> _entered = [];
    private readonly List<string> _tape = [];

    /// <summary>Whether the calculator is on.</summary>
    public bool IsOn { get; private set; }

    /// <summary>What the screen shows.</summary>
    public string Screen { get; private set; } = "";

    /// <summary>Every line printed on the tape so far.</summary>
    public IReadOnlyList<string> Tape => _tape;

    /// <summary>Switches the calculator on with a clear screen.</summary>
    public void SwitchOn()
    {
        IsOn = true;
        Screen = "0";
    }

    /// <summary>Enters a number.</summary>
    public void Enter(decimal number)
    {
        EnsureOn();
        _entered.Add(number);
        Screen = Format(number);
        _tape.Add(Format(number));
    }

    /// <summary>Applies an operation to the entered numbers and shows the result.</summary>
    public void Press(string operation)
    {
        EnsureOn();
        decimal? result = operation switch
        {
            "add" => _entered.Sum(),
            "subtract" => _entered.Skip(1).Aggregate(_entered[0], (total, n) => total - n),
            "multiply" => _entered.Aggregate(1m, (total, n) => total * n),
            "divide" when _entered.Skip(1).Contains(0m) => null,
            "divide" => _entered.Skip(1).Aggregate(_entered[0], (total, n) => total / n),
            _ => throw new ArgumentException($"Unknown operation '{operation}'.", nameof(operation)),
        };

        Screen = result is { } value ? Format(value) : "Error";
        _tape.Add($"{operation} = {Screen}");
        _entered.Clear();
        if (result is { } entered)
            _entered.Add(entered);
    }

    private void EnsureOn()
    {
        if (!IsOn)
            throw new InvalidOperationException("The calculator is off.");
    }

    private static string Format(decimal number) => number.ToString("0.##", CultureInfo.InvariantCulture);
}
