using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Reqnroll.XunitAdapter.Tests.Adapter;

/// <summary>Discovers and runs the <see cref="FixtureFeatures"/> scenarios through xunit's own extensibility points.</summary>
internal static class XunitHarness
{
    public static IReadOnlyList<IXunitTestCase> DiscoverFixtures() => Discover(typeof(FixtureFeatures));

    /// <summary>Discovers the test cases of the <c>Scenario</c> method of <paramref name="type"/>.</summary>
    public static IReadOnlyList<IXunitTestCase> Discover(Type type)
    {
        var testAssembly = new TestAssembly(Reflector.Wrap(type.Assembly));
        var testClass = new TestClass(new TestCollection(testAssembly, null, "Adapter fixtures"), Reflector.Wrap(type));
        var testMethod = new TestMethod(testClass, Reflector.Wrap(type.GetMethod(nameof(FixtureFeatures.Scenario))!));

        // As XunitTestFrameworkDiscoverer does: the fact attribute names its discoverer.
        var factAttribute = testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Single();
        var discovererArguments = factAttribute.GetCustomAttributes(typeof(XunitTestCaseDiscovererAttribute)).Single()
            .GetConstructorArguments().Cast<string>().ToList();
        var discovererType = SerializationHelper.GetType(discovererArguments[1], discovererArguments[0]);
        var discoverer = ExtensibilityPointFactory.GetXunitTestCaseDiscoverer(new NullMessageSink(), discovererType);

        return [.. discoverer.Discover(new DiscoveryOptions(), testMethod, factAttribute)];
    }

    public static IXunitTestCase Fixture(string displayName)
        => DiscoverFixtures().Single(testCase => testCase.DisplayName == displayName);

    /// <summary>Runs a test case and returns its result message (passed, failed or skipped).</summary>
    public static async Task<ITestResultMessage> RunAsync(IXunitTestCase testCase)
    {
        var bus = new RecordingMessageBus();
        await testCase.RunAsync(new NullMessageSink(), bus, [], new ExceptionAggregator(), new CancellationTokenSource());
        return bus.Messages.OfType<ITestResultMessage>().Single();
    }

    private sealed class RecordingMessageBus : IMessageBus
    {
        public List<IMessageSinkMessage> Messages { get; } = [];

        public bool QueueMessage(IMessageSinkMessage message)
        {
            lock (Messages)
                Messages.Add(message);
            return true;
        }

        public void Dispose()
        {
        }
    }

    private sealed class DiscoveryOptions : ITestFrameworkDiscoveryOptions
    {
        private readonly Dictionary<string, object?> _values = [];

        public TValue GetValue<TValue>(string name) => _values.TryGetValue(name, out var value) ? (TValue)value! : default!;

        public void SetValue<TValue>(string name, TValue value) => _values[name] = value;
    }
}
