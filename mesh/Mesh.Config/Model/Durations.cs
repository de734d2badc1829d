using System.Globalization;

namespace Mesh.Config.Model;

/// <summary>
/// Istio durations in Go's <c>time.ParseDuration</c> form: <c>1.5s</c>, <c>300ms</c>, <c>1m</c>, <c>1h30m</c>, <c>10us</c>.
/// </summary>
public static class Durations
{
    private static readonly (string Unit, double Ticks)[] Units =
    [
        ("ns", 0.01), ("us", 10), ("µs", 10), ("ms", TimeSpan.TicksPerMillisecond), ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
    ];

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var s = text.AsSpan();
        if (s is "0")
        {
            return true;
        }

        double ticks = 0;
        while (!s.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < s.Length && (char.IsAsciiDigit(s[numberLength]) || s[numberLength] == '.'))
            {
                numberLength++;
            }

            if (numberLength == 0 || !double.TryParse(s[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            s = s[numberLength..];
            var unit = MatchUnit(s);
            if (unit.Unit is null)
            {
                return false;
            }

            ticks += number * unit.Ticks;
            s = s[unit.Unit.Length..];
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(ticks));
        return true;
    }

    private static (string Unit, double Ticks) MatchUnit(ReadOnlySpan<char> s)
    {
        (string Unit, double Ticks) best = default;
        foreach (var unit in Units)
        {
            if (s.StartsWith(unit.Unit, StringComparison.Ordinal) && (best.Unit is null || unit.Unit.Length > best.Unit.Length))
            {
                best = unit;
            }
        }

        return best;
    }

    /// <summary>Formats the way Istio prints durations: the largest exact unit, e.g. <c>7s</c>, <c>250ms</c>, <c>1m30s</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        if (value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";
        }

        var parts = new List<string>();
        if (value.Hours + (value.Days * 24) > 0)
        {
            parts.Add($"{(int)value.TotalHours}h");
        }

        if (value.Minutes > 0)
        {
            parts.Add($"{value.Minutes}m");
        }

        if (value.Seconds > 0)
        {
            parts.Add($"{value.Seconds}s");
        }

        return string.Concat(parts);
    }
}
