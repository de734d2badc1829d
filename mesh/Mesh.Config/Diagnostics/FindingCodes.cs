namespace Mesh.Config.Diagnostics;

/// <summary>
/// Every code the analyzer can report. Codes never change meaning; new checks get new codes.
/// MESH1xx are syntax and schema, MESH2xx are references between resources, MESH3xx are routing semantics.
/// </summary>
public static class FindingCodes
{
    public static readonly FindingCode InternalError = new("MESH100", "InternalError", Severity.Error, "The mesh could not read a document because of a defect in the mesh itself; the document is refused and the rest is read.", "IST0001");
    public static readonly FindingCode YamlSyntax = new("MESH101", "YamlSyntax", Severity.Error, "The file is not valid YAML.", "IST0106");
    public static readonly FindingCode UnknownKind = new("MESH102", "UnknownKind", Severity.Error, "The apiVersion/kind pair is not an Istio kind the mesh reads.", "IST0106");
    public static readonly FindingCode UnknownField = new("MESH103", "UnknownField", Severity.Error, "A field that Istio's schema does not have.", "IST0106");
    public static readonly FindingCode UnimplementedField = new("MESH104", "UnimplementedField", Severity.Warning, "A field Istio has but this mesh does not implement; it is ignored.");
    public static readonly FindingCode WrongType = new("MESH105", "WrongType", Severity.Error, "A value of the wrong type (e.g. a list where a map is expected).", "IST0106");
    public static readonly FindingCode InvalidEnum = new("MESH106", "InvalidEnum", Severity.Error, "A value outside the field's enumeration.", "IST0106");
    public static readonly FindingCode InvalidRegex = new("MESH107", "InvalidRegex", Severity.Error, "A regular expression that does not compile.", "IST0106");
    public static readonly FindingCode InvalidDuration = new("MESH108", "InvalidDuration", Severity.Error, "A duration that does not parse or is out of range.", "IST0106");
    public static readonly FindingCode PercentageOutOfRange = new("MESH109", "PercentageOutOfRange", Severity.Error, "A percentage outside 0-100.", "IST0106");
    public static readonly FindingCode MissingField = new("MESH110", "MissingField", Severity.Error, "A required field is missing.", "IST0106");
    public static readonly FindingCode InvalidValue = new("MESH111", "InvalidValue", Severity.Error, "A value that is out of range or malformed.", "IST0106");
    public static readonly FindingCode DuplicateResource = new("MESH112", "DuplicateResource", Severity.Error, "Two resources with the same kind, namespace and name.");
    public static readonly FindingCode IgnoredKind = new("MESH113", "IgnoredKind", Severity.Info, "A document of a non-Istio API group; it is skipped.");
    public static readonly FindingCode LimitExceeded = new("MESH114", "LimitExceeded", Severity.Error, "A document, the whole config or a resource passes one of the mesh's size limits (bytes, YAML nodes after alias expansion, nesting, rules, conditions).", "IST0106");

    public static readonly FindingCode SubsetNotFound = new("MESH201", "SubsetNotFound", Severity.Error, "A route references a subset no DestinationRule defines for that host.", "IST0101");
    public static readonly FindingCode DuplicateSubset = new("MESH202", "DuplicateSubset", Severity.Error, "A DestinationRule defines the same subset name twice.", "IST0106");
    public static readonly FindingCode SubsetSelectsNoWorkload = new("MESH203", "SubsetSelectsNoWorkload", Severity.Warning, "A subset's labels match no registered workload.", "IST0173");
    public static readonly FindingCode HostNotFound = new("MESH204", "HostNotFound", Severity.Warning, "A host matches no service in the registry or any ServiceEntry.", "IST0101");
    public static readonly FindingCode GatewayNotFound = new("MESH205", "GatewayNotFound", Severity.Error, "A VirtualService references a Gateway that does not exist.", "IST0101");
    public static readonly FindingCode ConflictingVirtualServices = new("MESH206", "ConflictingVirtualServices", Severity.Error, "Two VirtualServices define routes for the same host and gateway.", "IST0109");
    public static readonly FindingCode ConflictingDestinationRules = new("MESH207", "ConflictingDestinationRules", Severity.Warning, "Two DestinationRules for the same host; only the oldest applies.");
    public static readonly FindingCode ConflictingGateways = new("MESH208", "ConflictingGateways", Severity.Error, "Two Gateways select the same workload and serve the same host on the same port.", "IST0145");
    public static readonly FindingCode MultipleSidecarsWithoutSelector = new("MESH209", "MultipleSidecarsWithoutSelector", Severity.Error, "A namespace has more than one Sidecar without a workload selector; which one applies is undefined.", "IST0111");
    public static readonly FindingCode MultipleTelemetriesWithoutSelector = new("MESH210", "MultipleTelemetriesWithoutSelector", Severity.Error, "A namespace has more than one Telemetry without a selector; which one applies is undefined.", "IST0160");
    public static readonly FindingCode ClaimRoutingWithoutRequestAuthentication = new("MESH211", "ClaimRoutingWithoutRequestAuthentication", Severity.Error, "A VirtualService routes on a JWT claim at a gateway that no RequestAuthentication covers, so the claim is never there.", "IST0149");
    public static readonly FindingCode DelegateNotFound = new("MESH212", "DelegateNotFound", Severity.Error, "A VirtualService rule delegates to a VirtualService that does not exist or has hosts (a delegate has none).", "IST0101");

    public static readonly FindingCode WeightsTotalZero = new("MESH301", "WeightsTotalZero", Severity.Error, "A route's destinations all have weight 0 (weights are relative; only an all-zero total is refused, as in Istio).", "IST0106");
    public static readonly FindingCode UnreachableRule = new("MESH302", "UnreachableRule", Severity.Warning, "A rule follows a catch-all rule and can never match.", "IST0130");
    public static readonly FindingCode NoRouteAction = new("MESH303", "NoRouteAction", Severity.Error, "An HTTP rule has none of route, redirect or directResponse.", "IST0106");

    public static IReadOnlyList<FindingCode> All { get; } =
    [
        InternalError, YamlSyntax, UnknownKind, UnknownField, UnimplementedField, WrongType, InvalidEnum, InvalidRegex, InvalidDuration,
        PercentageOutOfRange, MissingField, InvalidValue, DuplicateResource, IgnoredKind, LimitExceeded,
        SubsetNotFound, DuplicateSubset, SubsetSelectsNoWorkload, HostNotFound, GatewayNotFound,
        ConflictingVirtualServices, ConflictingDestinationRules, ConflictingGateways, MultipleSidecarsWithoutSelector,
        MultipleTelemetriesWithoutSelector, ClaimRoutingWithoutRequestAuthentication, DelegateNotFound,
        WeightsTotalZero, UnreachableRule, NoRouteAction,
    ];
}
