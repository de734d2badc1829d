using Reqnroll.XunitAdapter.Tests.Support;
using Xunit;

namespace Reqnroll.XunitAdapter.Tests.StepDefinitions;

/// <summary>A second binding class that gets the same <see cref="Notebook"/> instance within a scenario.</summary>
[Binding]
public sealed class NotebookReaderSteps(Notebook notebook)
{
    [Then("another binding class reads {string} from the notebook")]
    public void ThenAnotherBindingClassReads(string text) => Assert.Equal(text, notebook.Text);
}
