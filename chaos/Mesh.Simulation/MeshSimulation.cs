using Mesh.Config;
using Mesh.Config.Registry;
using Mesh.DataPlane;
using Mesh.DataPlane.Clusters;
using Mesh.DataPlane.Faults;
using Mesh.DataPlane.Resilience;
using Mesh.DataPlane.Routing;
using Mesh.Simulation.Engine;
using Mesh.Simulation.Output;
using Mesh.Simulation.Topology;

namespace Mesh.Simulation;

/// <summary>What a simulation run is given besides the topology and config.</summary>
public sealed record SimulationOptions(int Seed = 1, TimeSpan? TimelineInterval = null)
{
    public TimeSpan Interval => TimelineInterval ?? TimeSpan.FromSeconds(10);
}

/// <summary>
/// A mesh in virtual time. Every replica has a sidecar that runs the proxy's own policy objects: the route table
/// built from the Istio config by the same builder (matching, weighted subsets, retry policy, timeouts, faults),
/// one <see cref="ClusterState"/> per cluster it calls (load balancer, connection-pool limits, outlier detection,
/// retry budget), and the same <see cref="AttemptLoop"/>. Only the transport is simulated: an attempt reaches a
/// simulated replica, which takes a sampled latency, makes its own calls and answers or fails.
/// </summary>
public sealed class MeshSimulation
{
    public const string IngressWorkload = "ingress-client";

    private readonly SimulatedTopology _topology;
    private readonly ConfigSet _config;
    private readonly VirtualTime _time = new();
    private readonly SystemRandomSource _random;
    private readonly SimulationOptions _options;
    private readonly Dictionary<string, Replica> _byAuthority = new(StringComparer.Ordinal);
    private readonly Dictionary<ClusterEndpoint, Replica> _byEndpoint = new(ReferenceEqualityComparer.Instance);
    private readonly List<Replica> _replicas = [];
    private readonly Dictionary<(string App, string Version), RouteTable> _tables = [];
    private readonly ServiceRegistry _registry;
    private readonly Sidecar _ingress;
    private readonly MetricsRecorder _metrics;
    private TimeSpan _duration;

    public MeshSimulation(SimulatedTopology topology, ConfigSet config, SimulationOptions? options = null)
    {
        _topology = topology;
        _config = config;
        _options = options ?? new SimulationOptions();
        _random = new SystemRandomSource(_options.Seed);
        var index = 0;
        foreach (var service in topology.Services)
        {
            foreach (var version in service.Versions)
            {
                for (var i = 0; i < version.Replicas; i++, index++)
                {
                    var workload = new Workload
                    {
                        Name = $"{service.Name}-{version.Version}-{i}",
                        Namespace = topology.Namespace,
                        Labels = new Dictionary<string, string> { ["app"] = service.Name, ["version"] = version.Version },
                        Address = $"10.{(index >> 16) & 255}.{(index >> 8) & 255}.{index & 255}",
                        Ports = [new WorkloadPort("http", service.Port, service.Port)],
                    };
                    var replica = new Replica(this, service, version, workload, i);
                    _replicas.Add(replica);
                    _byAuthority[$"{workload.Address}:{service.Port}"] = replica;
                }
            }
        }

        var client = new Workload
        {
            Name = IngressWorkload, Namespace = topology.Namespace, Address = "10.255.255.254",
            Labels = new Dictionary<string, string> { ["app"] = IngressWorkload },
        };
        _registry = new ServiceRegistry(_replicas.Select(r => r.Workload).Append(client), config.ServiceEntries);
        _metrics = new MetricsRecorder(topology, _options.Interval);
        foreach (var replica in _replicas)
        {
            replica.Sidecar = new Sidecar(this, replica.Workload);
        }

        _ingress = new Sidecar(this, client);
    }

    public VirtualTime Time => _time;

    /// <summary>Runs the arrivals for <paramref name="duration"/> of virtual time, then lets requests in flight finish.</summary>
    public SimulationResult Run(TimeSpan duration)
    {
        _duration = duration;
        foreach (var ingress in _topology.Ingress)
        {
            ScheduleArrival(ingress);
        }

        foreach (var e in _topology.Events)
        {
            _time.Schedule(e.At, () => Apply(e));
        }

        _metrics.StartTimeline(_time, duration);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        _time.RunUntil(duration);
        // Requests in flight at the end still finish (their timeouts bound them); nothing new arrives.
        _time.RunUntil(duration + TimeSpan.FromMinutes(10));
        return new SimulationResult(_topology, _options.Seed, duration, _metrics, _time.EventsRun,
            System.Diagnostics.Stopwatch.GetElapsedTime(started), _replicas.SelectMany(r => r.Sidecar.Clusters.Select(c => (r.Workload.Name, c.Key, c.Value))).ToArray());
    }

    private void ScheduleArrival(IngressModel ingress)
    {
        var gap = TimeSpan.FromTicks((long)(-Math.Log(1 - _random.NextDouble()) / ingress.Rate * TimeSpan.TicksPerSecond));
        if (_time.Elapsed + gap >= _duration)
        {
            return;
        }

        _time.Schedule(gap, () =>
        {
            _ = _ingress.CallAsync(ingress.Service, ingress.Path, ingress.Headers, root: true);
            ScheduleArrival(ingress);
        });
    }

    private void Apply(FailureEvent e)
    {
        foreach (var replica in _replicas.Where(r => r.Service.Name == e.Service && (e.Version is null || r.Version.Version == e.Version) && (e.Replica is null || r.Index == e.Replica)))
        {
            if (e.Recover)
            {
                (replica.Crashed, replica.ErrorRate, replica.Slowdown, replica.ErrorStatus) = (false, replica.Version.ErrorRate, 1, replica.Version.ErrorStatus);
            }

            replica.ErrorStatus = e.ErrorStatus ?? replica.ErrorStatus;

            replica.Crashed |= e.Crash;
            replica.ErrorRate = e.ErrorRate ?? replica.ErrorRate;
            replica.Slowdown = e.Slowdown ?? replica.Slowdown;
        }
    }

    /// <summary>The replica behind an endpoint, keyed by the endpoint object itself once seen (its authority is a new string each time).</summary>
    private Replica ReplicaAt(ClusterEndpoint endpoint)
    {
        if (!_byEndpoint.TryGetValue(endpoint, out var replica))
        {
            _byEndpoint[endpoint] = replica = _byAuthority[endpoint.Authority];
        }

        return replica;
    }

    private RouteTable TableFor(Workload workload)
    {
        var key = (workload.App, workload.Version);
        if (!_tables.TryGetValue(key, out var table))
        {
            _tables[key] = table = RouteTableBuilder.Build(_config, _registry, new ProxyIdentity(workload), [], "simulation").Table;
        }

        return table;
    }

    /// <summary>A sidecar: the route table for its workload and the live state of each cluster it has called.</summary>
    private sealed class Sidecar(MeshSimulation mesh, Workload workload)
    {
        private readonly RouteTable _table = mesh.TableFor(workload);

        public Workload Workload { get; } = workload;

        public Dictionary<string, ClusterState> Clusters { get; } = new(StringComparer.Ordinal);

        public async Task<int> CallAsync(string service, string path, IReadOnlyDictionary<string, string> headers, bool root = false)
        {
            var time = mesh._time;
            var started = time.Elapsed;
            var (model, route) = RouteFor(service, path, headers);
            var status = 0;
            var flags = ResponseFlags.None;
            Replica? reached = null;
            if (route is null)
            {
                (status, flags) = (404, ResponseFlags.NoRouteFound);
                mesh._metrics.Record(Workload, model.Name, null, status, flags, time.Elapsed - started, root);
                return status;
            }

            var destination = route.PickCluster(mesh._random);
            var cluster = destination is null ? null : Cluster(destination.Cluster);
            using var deadline = route.Timeout is { } timeout ? new Deadline(timeout, time, CancellationToken.None) : null;
            var cancellation = deadline?.Token ?? CancellationToken.None;
            try
            {
                var fault = FaultInjector.Decide(route.Rule?.Fault, mesh._random);
                if (fault.Delay is { } delay)
                {
                    flags |= ResponseFlags.DelayInjected;
                    await Task.Delay(delay, time, cancellation);
                }

                if (fault.Aborts)
                {
                    (status, flags) = (fault.AbortHttpStatus ?? 200, flags | ResponseFlags.FaultInjected);
                }
                else if (cluster is null)
                {
                    (status, flags) = (503, flags | ResponseFlags.NoClusterFound);
                }
                else
                {
                    var transport = new Transport(mesh, path, headers);
                    var loop = new AttemptLoop(route.Retry, cluster, mesh._random, time);
                    var end = await loop.RunAsync(transport, cancellation);
                    flags |= loop.Flags;
                    reached = end is AttemptsEnd.Answered or AttemptsEnd.Failed ? transport.Reached : null;
                    (status, flags) = end switch
                    {
                        AttemptsEnd.Answered => (loop.Outcome!.Value.Status ?? 200, flags),
                        AttemptsEnd.Failed => loop.Outcome!.Value.Failure switch
                        {
                            UpstreamFailure.Timeout => (504, flags | ResponseFlags.UpstreamRequestTimeout),
                            UpstreamFailure.ConnectFailure => (503, flags | ResponseFlags.UpstreamConnectionFailure),
                            _ => (503, flags | ResponseFlags.UpstreamConnectionTermination),
                        },
                        _ => (503, flags),
                    };
                }
            }
            catch (OperationCanceledException) when (deadline?.Expired == true)
            {
                (status, flags) = (504, flags | ResponseFlags.UpstreamRequestTimeout);
            }

            mesh._metrics.Record(Workload, model.Name, reached?.Workload, status, flags, time.Elapsed - started, root);
            return status;
        }

        private readonly Dictionary<(string Service, string Path, IReadOnlyDictionary<string, string> Headers), (ServiceModel, CompiledRoute?)> _routes = [];

        /// <summary>
        /// The route a call takes, matched by the route table as the proxy matches it. A simulated caller sends the same
        /// request every time for one call of the topology, so the match is made once per call and kept.
        /// </summary>
        private (ServiceModel Model, CompiledRoute? Route) RouteFor(string service, string path, IReadOnlyDictionary<string, string> headers)
        {
            if (!_routes.TryGetValue((service, path, headers), out var found))
            {
                var model = mesh._topology.Service(service)!;
                var host = Hostnames.ServiceHost(service, mesh._topology.Namespace);
                var request = new RequestView("GET", $"{service}:{model.Port}", path, headers);
                found = (model, _table.Listener(RouteTable.OutboundKey(host, model.Port))?.SelectVirtualHost(request.Authority)?.Match(request));
                _routes[(service, path, headers)] = found;
            }

            return found;
        }

        private ClusterState? Cluster(string name)
        {
            if (!Clusters.TryGetValue(name, out var state) && _table.Cluster(name) is { } config)
            {
                Clusters[name] = state = new ClusterState(config, mesh._time);
            }

            return state;
        }
    }

    /// <summary>An attempt to a simulated replica: refused when it has crashed, else its answer, unless the deadline comes first.</summary>
    private sealed class Transport(MeshSimulation mesh, string path, IReadOnlyDictionary<string, string> headers) : IAttemptTransport
    {
        public Replica? Reached { get; private set; }

        public bool BodyReplayable => true;

        public bool ResponseStarted => false;

        public void OnEndpoint(EndpointState endpoint)
        {
        }

        public async ValueTask<AttemptResult> SendAsync(EndpointState endpoint, CancellationToken cancellationToken)
        {
            var replica = mesh.ReplicaAt(endpoint.Endpoint);
            Reached = replica;
            if (replica.Crashed)
            {
                return new AttemptResult(AttemptOutcome.Failed(UpstreamFailure.ConnectFailure));
            }

            // The replica works on after the caller gives up, as a real one does.
            var status = await replica.ServeAsync(path, headers).WaitAsync(cancellationToken);
            return new AttemptResult(AttemptOutcome.Response(status));
        }

        public bool PrepareRetry() => true;
    }

    /// <summary>One simulated instance: a sampled latency (times its slowdown), its calls, then an answer.</summary>
    private sealed class Replica(MeshSimulation mesh, ServiceModel service, VersionModel version, Workload workload, int index)
    {
        public ServiceModel Service { get; } = service;

        public VersionModel Version { get; } = version;

        public Workload Workload { get; } = workload;

        public int Index { get; } = index;

        public Sidecar Sidecar { get; set; } = null!;

        public bool Crashed { get; set; }

        public double ErrorRate { get; set; } = version.ErrorRate;

        public double Slowdown { get; set; } = 1;

        public int ErrorStatus { get; set; } = version.ErrorStatus;

        private readonly Queue<TaskCompletionSource> _waiting = new();
        private int _busy;

        public async Task<int> ServeAsync(string path, IReadOnlyDictionary<string, string> headers)
        {
            mesh._metrics.Received(Service.Name);
            if (Version.Concurrency is { } limit && _busy >= limit)
            {
                // Wait in line; the request that finishes hands its slot straight to the first in line.
                var turn = new TaskCompletionSource();
                _waiting.Enqueue(turn);
                await turn.Task;
            }
            else
            {
                _busy++;
            }

            try
            {
                return await WorkAsync(headers);
            }
            finally
            {
                if (_waiting.TryDequeue(out var next))
                {
                    next.SetResult();
                }
                else
                {
                    _busy--;
                }
            }
        }

        private async Task<int> WorkAsync(IReadOnlyDictionary<string, string> headers)
        {
            await Task.Delay(Latency(), mesh._time);
            var failed = false;
            var calls = Version.Calls ?? Service.Calls;
            if (Service.Parallel)
            {
                var answers = await Task.WhenAll(calls.Where(Made).Select(c => Sidecar.CallAsync(c.To, c.Path, headers)));
                failed = answers.Any(s => s >= 500);
            }
            else
            {
                foreach (var call in calls)
                {
                    if (Made(call) && await Sidecar.CallAsync(call.To, call.Path, headers) >= 500)
                    {
                        failed = true;
                        break;
                    }
                }
            }

            return failed ? 500 : ErrorRate > 0 && mesh._random.NextDouble() < ErrorRate ? ErrorStatus : 200;
        }

        /// <summary>Whether this request makes the call (each call has its probability; draws in the calls' order).</summary>
        private bool Made(CallModel call) => call.Probability >= 1 || mesh._random.NextDouble() < call.Probability;

        /// <summary>Log-normal: median * e^(sigma z), z standard normal (Box-Muller from the seeded source).</summary>
        private TimeSpan Latency()
        {
            var model = Version.Latency;
            var u1 = 1 - mesh._random.NextDouble();
            var u2 = mesh._random.NextDouble();
            var z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            return TimeSpan.FromTicks((long)(model.Median.Ticks * Math.Exp(model.Sigma * z) * Slowdown));
        }
    }
}
