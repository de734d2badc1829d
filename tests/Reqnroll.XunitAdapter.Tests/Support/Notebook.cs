namespace Reqnroll.XunitAdapter.Tests.Support;

/// <summary>Custom context class: one instance per scenario, shared by every binding class that asks for it.</summary>
public sealed class Notebook
{
    /// <summary>What was written in it.</summary>
    public string? Text { get; set; }
}
