using Reqnroll.XunitAdapter.Execution;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Reqnroll.XunitAdapter;

/// <summary>
/// xunit test framework that brackets the test run with Reqnroll's <c>[BeforeTestRun]</c> and <c>[AfterTestRun]</c>
/// hooks and keeps the scenarios of one feature together. Enable it once per test assembly:
/// <c>[assembly: TestFramework(GherkinTestFramework.TypeName, GherkinTestFramework.AssemblyName)]</c>.
/// </summary>
public sealed class GherkinTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    /// <summary>Full type name, for <c>Xunit.TestFrameworkAttribute</c>.</summary>
    public const string TypeName = "Reqnroll.XunitAdapter.GherkinTestFramework";

    /// <summary>Assembly name, for <c>Xunit.TestFrameworkAttribute</c>.</summary>
    public const string AssemblyName = "Reqnroll.XunitAdapter";

    /// <inheritdoc />
    protected override ITestFrameworkExecutor CreateExecutor(System.Reflection.AssemblyName assemblyName)
        => new GherkinTestFrameworkExecutor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);
}
