using Reqnroll.XunitAdapter.Model;

namespace Reqnroll.XunitAdapter.Execution;

/// <summary>Names the step a scenario stopped at and why; the cause is the inner exception.</summary>
internal sealed class ScenarioStepException(ScenarioStep step, string featureFile, ScenarioExecutionStatus status, Exception cause)
    : ReqnrollException(Describe(step, featureFile, status), cause)
{
    private static string Describe(ScenarioStep step, string featureFile, ScenarioExecutionStatus status)
    {
        var where = $"\"{step}\" ({featureFile}:{step.Line})";
        return status switch
        {
            ScenarioExecutionStatus.UndefinedStep => $"Step {where} is undefined: no step definition matches it. Suggested binding below.",
            ScenarioExecutionStatus.StepDefinitionPending => $"Step {where} is pending: its step definition is not implemented yet.",
            _ => $"Scenario failed at step {where}.",
        };
    }
}
