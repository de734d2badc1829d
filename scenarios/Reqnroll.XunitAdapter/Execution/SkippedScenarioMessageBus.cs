using Reqnroll.XunitAdapter.Runtime;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Reqnroll.XunitAdapter.Execution;

/// <summary>
/// xunit v2 cannot skip a test once it runs, so a failure caused by <see cref="ScenarioSkippedException"/>
/// (Reqnroll ignored the scenario at run time) is reported as a skip instead.
/// </summary>
internal sealed class SkippedScenarioMessageBus(IMessageBus inner) : IMessageBus
{
    private static readonly string SkippedExceptionType = typeof(ScenarioSkippedException).FullName!;

    public int Skipped { get; private set; }

    public bool QueueMessage(IMessageSinkMessage message)
    {
        if (message is ITestFailed failed && failed.ExceptionTypes.FirstOrDefault() == SkippedExceptionType)
        {
            Skipped++;
            return inner.QueueMessage(new TestSkipped(failed.Test, failed.Messages[0]));
        }

        return inner.QueueMessage(message);
    }

    public void Dispose()
    {
        // The inner bus belongs to xunit.
    }
}
