using Gherkin.Ast;

namespace Reqnroll.XunitAdapter.Model;

/// <summary>Tag names the way Reqnroll passes them around: without the leading '@'.</summary>
internal static class GherkinTags
{
    public static string[] Names(IEnumerable<Tag> tags) => [.. tags.Select(tag => tag.Name.TrimStart('@'))];
}
