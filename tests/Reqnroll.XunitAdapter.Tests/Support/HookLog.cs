namespace Reqnroll.XunitAdapter.Tests.Support;

/// <summary>The hooks that ran for a feature, in order; kept in the <see cref="FeatureContext"/>.</summary>
public sealed class HookLog
{
    private readonly List<string> _entries = [];

    /// <summary>Hook names in the order they ran.</summary>
    public IReadOnlyList<string> Entries => _entries;

    /// <summary>Records a hook.</summary>
    public void Add(string hook) => _entries.Add(hook);
}
