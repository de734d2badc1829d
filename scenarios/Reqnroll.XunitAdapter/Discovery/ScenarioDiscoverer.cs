using System.Globalization;
using Reqnroll.XunitAdapter.Model;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Reqnroll.XunitAdapter.Discovery;

/// <summary>
/// Discovers one <see cref="ScenarioTestCase"/> per scenario and per Examples row in the folder named by a
/// <see cref="GherkinFeaturesAttribute"/>. Problems (missing folder, invalid Gherkin, wrong method shape) become
/// one failing test case, so they show up in the results instead of silently yielding no tests.
/// </summary>
internal sealed class ScenarioDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var methodDisplay = discoveryOptions.MethodDisplayOrDefault();
        var methodDisplayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        IXunitTestCase Error(string message) => new ExecutionErrorTestCase(diagnosticMessageSink, methodDisplay, methodDisplayOptions, testMethod, message);

        var parameters = testMethod.Method.GetParameters().ToList();
        if (parameters.Count != 1 || parameters[0].ParameterType.Name != typeof(GherkinScenario).FullName)
            return [Error($"[GherkinFeatures] method '{testMethod.Method.Name}' must take one {nameof(GherkinScenario)} parameter: Task Scenario(GherkinScenario scenario) => scenario.RunAsync();")];

        var folder = (string)factAttribute.GetConstructorArguments().Single();
        var baseDirectory = FeatureFile.BaseDirectoryOf(testMethod.TestClass.Class.ToRuntimeType().Assembly);

        IReadOnlyList<string> featureFiles;
        try
        {
            featureFiles = FeatureFile.FindAll(baseDirectory, folder);
        }
        catch (DirectoryNotFoundException ex)
        {
            return [Error(ex.Message)];
        }

        if (featureFiles.Count == 0)
            return [Error($"No .feature files in '{Path.Combine(baseDirectory, folder)}'.")];

        var testCases = new List<IXunitTestCase>();
        var errors = new List<string>();
        foreach (var path in featureFiles)
        {
            try
            {
                testCases.AddRange(FeatureFile.Load(baseDirectory, path).Scenarios
                    .Select(scenario => new ScenarioTestCase(diagnosticMessageSink, methodDisplay, methodDisplayOptions, testMethod, scenario)));
            }
            catch (InvalidOperationException ex)
            {
                errors.Add(ex.Message);
            }
            catch (CultureNotFoundException ex)
            {
                errors.Add($"{ex.Message} Reqnroll needs real cultures: add <InvariantGlobalization>false</InvariantGlobalization> to the test project.");
            }
        }

        // xunit allows one error test case per method (they would share an id), so report all problems in one.
        if (errors.Count > 0)
            testCases.Add(Error(string.Join(Environment.NewLine, errors.Distinct())));

        return testCases;
    }
}
