using Reqnroll.Bindings;

namespace Reqnroll.XunitAdapter.Model;

/// <summary>A step ready to hand to Reqnroll: Examples values substituted, keyword resolved.</summary>
internal sealed record ScenarioStep(
    StepDefinitionKeyword Keyword,
    string KeywordText,
    string Text,
    string? DocString,
    IReadOnlyList<string[]>? TableRows,
    int Line)
{
    /// <summary>A fresh table for each run, because bindings may change the one they get.</summary>
    public Table? CreateTable()
    {
        if (TableRows is null)
            return null;

        var table = new Table(TableRows[0]);
        foreach (var row in TableRows.Skip(1))
            table.AddRow(row);
        return table;
    }

    public override string ToString() => KeywordText + Text;
}
