namespace Reqnroll.XunitAdapter.Runtime;

/// <summary>Thrown when Reqnroll ignores a scenario at run time; the adapter reports the test as skipped.</summary>
internal sealed class ScenarioSkippedException(string message) : ReqnrollException(message);
