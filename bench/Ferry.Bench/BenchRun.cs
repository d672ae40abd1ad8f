using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Ferry.Bench.Cli;
using Ferry.Bench.Infrastructure;
using Ferry.Bench.Load;
using Ferry.Bench.Report;
using Ferry.Bench.Setup;
using Spectre.Console;

namespace Ferry.Bench;

/// <summary>
/// The AWS suite (--suite aws, the default), everything on loopback under one temporary directory:
/// <code>
///   moto (scripts/aws-sandbox.sh)        static DynamoDB (Kestrel, in this process)
///        ▲ STS + DynamoDB                      ▲ DynamoDB (AWS_ENDPOINT_URL_DYNAMODB); STS stays moto
///   agent "aws-dynamodb"                 agent "aws-static"          (teleport app_service, reverse tunnels)
///        └──────────── teleport auth + proxy ────────────┘
///   tsh proxy aws -e (home-moto)         tsh proxy aws -e, tsh proxy aws (home-static)
///        ▲                                     ▲
///   SDK client ──── same code ──── SDK client; and each SDK client straight to its upstream (direct)
/// </code>
/// 1. set up  2. GetItem: warm-up, then a fixed time per path and concurrency  3. one call's legs  4. CLI wall times.
/// </summary>
internal sealed class BenchRun(BenchOptions options, Repo repo, string temp, IAnsiConsole console)
{
    private const string MotoApp = "aws-dynamodb";
    private const string StaticApp = "aws-static";

    private const int HopRounds = 6;
    private const int IssuanceCallers = 8;

    private readonly CpuMeter _cpu = new();

    public async Task<AwsReport> RunAsync(Disposables owned, CancellationToken ct)
    {
        // 1. Set up.
        Step("moto AWS sandbox (scripts/aws-sandbox.sh)");
        var sandbox = owned.Add(await AwsSandbox.StartAsync(repo, Path.Combine(temp, "aws"), ct));
        var credentials = await sandbox.AssumeRoleAsync(ct);
        var (item, itemJson) = BenchItem();
        await sandbox.PutItemAsync(credentials, item, ct);
        var staticUpstream = owned.Add(await StaticDynamoDb.StartAsync(itemJson, ct));

        Step("Ferry cluster, role and user");
        var cluster = owned.Add(await FerryCluster.StartAsync(repo, Path.Combine(temp, "cluster"), ct));
        await cluster.AddUserAsync(ct);

        Step("two app agents (moto; static upstream)");
        var motoAgent = owned.Add(await AppAgent.StartAsync(repo, cluster, MotoApp, Path.Combine(temp, "agent-moto"), sandbox.AgentEnvironment, ct));
        var staticEnvironment = new Dictionary<string, string>(sandbox.AgentEnvironment)
        {
            ["AWS_ENDPOINT_URL_DYNAMODB"] = staticUpstream.Endpoint,
            ["AWS_ENDPOINT_URL_S3"] = staticUpstream.Endpoint, // the 1 GiB upload's sink
        };
        var staticAgent = owned.Add(await AppAgent.StartAsync(repo, cluster, StaticApp, Path.Combine(temp, "agent-static"), staticEnvironment, ct));
        await cluster.WaitForAppsAsync([MotoApp, StaticApp], ct);

        Step("tsh login, tsh apps login, tsh proxy aws");
        var motoUser = await TshUser.LoginAsync(repo, cluster, Path.Combine(temp, "home-moto"), MotoApp, ct);
        var staticUser = await TshUser.LoginAsync(repo, cluster, Path.Combine(temp, "home-static"), StaticApp, ct);
        var motoEndpoint = owned.Add(await motoUser.StartProxyAsync(endpointUrl: true, ct));
        var staticEndpoint = owned.Add(await staticUser.StartProxyAsync(endpointUrl: true, ct));
        var staticProxy = owned.Add(await staticUser.StartProxyAsync(endpointUrl: false, ct));
        var motoProxy = owned.Add(await motoUser.StartProxyAsync(endpointUrl: false, ct)); // for the CLI split

        if (options.Hold)
        {
            await HoldAsync(sandbox, staticUpstream, cluster, motoUser, staticUser, [motoEndpoint, staticEndpoint, staticProxy, motoProxy], ct);
        }

        // 2. GetItem, with the CPU of every process charged to the path being measured.
        _cpu.Add(CpuGroups.Bench, () => Environment.ProcessId);
        foreach (var proxy in new[] { motoEndpoint, staticEndpoint, staticProxy, motoProxy })
        {
            _cpu.Add(CpuGroups.Tsh, () => proxy.ProcessId);
        }

        _cpu.Add(CpuGroups.Cluster, () => cluster.ProcessId);
        _cpu.Add(CpuGroups.Agents, () => motoAgent.Id);
        _cpu.Add(CpuGroups.Agents, () => staticAgent.Id);
        _cpu.Add(CpuGroups.Moto, () => sandbox.MotoPid);
        using var clients = new DynamoDbClients();
        var directStatic = clients.Direct(staticUpstream.Endpoint, credentials);
        var directMoto = clients.Direct(sandbox.Endpoint, credentials);
        var scenarios = new List<Scenario>
        {
            new(ScenarioKeys.StaticEndpointUrl, "static upstream, endpoint URL (tsh proxy aws -e)", "static", false, directStatic, clients.ThroughEndpointUrl(staticEndpoint)),
            new(ScenarioKeys.StaticHttpsProxy, "static upstream, HTTPS_PROXY (tsh proxy aws)", "static", false, directStatic, clients.ThroughHttpsProxy(staticProxy)),
            new(ScenarioKeys.StaticNoTsh, "static upstream, no tsh: SDK → Ferry proxy (app cert)", "static", true, directStatic, clients.StraightToFerryProxy(staticUser)),
            new(ScenarioKeys.MotoEndpointUrl, "moto, endpoint URL (tsh proxy aws -e)", "moto", false, directMoto, clients.ThroughEndpointUrl(motoEndpoint)),
        };
        var request = new GetItemRequest { TableName = AwsSandbox.Table, Key = new() { ["pk"] = new AttributeValue { S = (string)item["pk"].S } } };
        Step("checking every path answers GetItem");
        try
        {
            foreach (var scenario in scenarios)
            {
                await LoadRunner.WaitUntilServingAsync(scenario.Direct, request, scenario.Name + " (direct)", TimeSpan.FromSeconds(5), ct);
                await LoadRunner.WaitUntilServingAsync(scenario.Ferry, request, scenario.Name, TimeSpan.FromSeconds(30), ct);
            }
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{e.Message}\n({sandbox.Health})", e);
        }

        var loadBefore = MachineInfo.LoadAverage();
        var rows = await MeasureGetItemAsync(scenarios, request, ct);

        // The SDK calls through Ferry to the static upstream must really have reached it (and not moto).
        var staticCalls = rows.Where(r => r.Upstream == "static").Sum(r => r.Ferry.Completed);
        if (staticUpstream.Served < staticCalls)
        {
            throw new InvalidOperationException($"the static upstream served {staticUpstream.Served} requests, fewer than the {staticCalls} that went through Ferry to it");
        }

        // 3. One client's call split into legs, with the static upstream as the probe.
        Step($"legs of one call ({options.HopTraceCalls} sequential calls per path, in {HopRounds} rounds)");
        var traced = scenarios.Where(s => s.Upstream == "static").ToList();
        var legs = await HopTrace.MeasureAsync([directStatic, .. traced.Select(s => s.Ferry)], request, staticUpstream, HopRounds, Math.Max(1, options.HopTraceCalls / HopRounds), ct);
        var hops = new List<HopRow> { new("direct", "direct", legs[0]) };
        hops.AddRange(traced.Select((s, i) => new HopRow(s.Key, s.Name, legs[i + 1])));

        // 4. CLI wall time.
        var cli = options.CliRuns > 0 ? await MeasureCliAsync(sandbox, credentials, motoUser, motoProxy, ct) : [];

        // 5. App certificate issuance (what tsh apps login costs the cluster).
        Step($"tsh apps login issuance: {IssuanceCallers} concurrent callers, {options.WarmUp.TotalSeconds:0} s warm-up, {options.Duration.TotalSeconds:0} s measured");
        var issuance = await IssuanceRun.MeasureAsync(motoUser, motoUser.App, IssuanceCallers, options.WarmUp, options.Duration, ct);
        // 6. A 1 GiB chunk-signed upload: memory must stay flat in every hop.
        Step("1 GiB PutObject (AWS SDK for .NET defaults: chunk-signed, CRC32 trailer) through tsh proxy aws -e to the static upstream");
        var upload = await UploadRun.MeasureAsync(staticEndpoint,
            [("tsh proxy aws -e", () => staticEndpoint.ProcessId), ("auth + proxy", () => cluster.ProcessId), ("app agent", () => staticAgent.Id)], ct);
        return new AwsReport(loadBefore, options.Duration.TotalSeconds, options.WarmUp.TotalSeconds, options.Slices, rows, hops, cli, AwsCliPath(), issuance, upload);
    }

    /// <summary>
    /// Per concurrency: every path warms up, then the paths take turns in short slices until each has had the
    /// measured time, so a busy moment of the machine (other work shares it) hits direct and Ferry alike.
    /// </summary>
    private async Task<List<GetItemRow>> MeasureGetItemAsync(IReadOnlyList<Scenario> scenarios, GetItemRequest request, CancellationToken ct)
    {
        var paths = scenarios.Select(s => (Key: "direct-" + s.Upstream, Name: s.Upstream + " direct", Client: s.Direct))
            .DistinctBy(p => p.Key)
            .Concat(scenarios.Select(s => (s.Key, s.Name, Client: s.Ferry)))
            .ToList();
        var slice = options.Duration / options.Slices;
        var rows = new List<GetItemRow>();
        foreach (var concurrency in options.Concurrency)
        {
            console.MarkupLine($"[grey]  {concurrency} client(s): warm-up, then {options.Slices} rounds of {slice.TotalSeconds:0.#} s over {paths.Count} paths[/]");
            foreach (var path in paths)
            {
                await LoadRunner.RunAsync(path.Client, request, concurrency, options.WarmUp, ct);
            }

            var samples = paths.ToDictionary(p => p.Key, _ => new List<LoadSample>());
            for (var round = 0; round < options.Slices; round++)
            {
                foreach (var path in paths)
                {
                    var before = _cpu.Snapshot();
                    var sample = await LoadRunner.RunAsync(path.Client, request, concurrency, slice, ct);
                    samples[path.Key].Add(sample with { CpuMs = CpuMeter.Delta(before, _cpu.Snapshot()) });
                }
            }

            foreach (var scenario in scenarios)
            {
                rows.Add(new GetItemRow(scenario.Key, scenario.Name, scenario.Upstream, scenario.Diagnostic, concurrency,
                    LoadResult.Merge(concurrency, samples["direct-" + scenario.Upstream]), LoadResult.Merge(concurrency, samples[scenario.Key])));
            }
        }

        return rows;
    }

    private async Task<IReadOnlyList<CliTiming>> MeasureCliAsync(AwsSandbox sandbox, SessionAWSCredentials credentials, TshUser user, TshAwsProxy runningProxy, CancellationToken ct)
    {
        Step($"CLI wall time, {options.CliRuns} runs each");
        var aws = AwsCliPath() ?? throw new InvalidOperationException("no aws CLI found (scripts/test.sh installs it); pass --aws PATH or --cli-runs 0");

        // Both sides run the same aws executable, found first on PATH through this directory.
        var bin = Path.Combine(temp, "bin");
        Directory.CreateDirectory(bin);
        var link = Path.Combine(bin, "aws");
        if (!File.Exists(link))
        {
            File.CreateSymbolicLink(link, aws);
        }

        var path = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        var home = Path.Combine(temp, "home-direct");
        Directory.CreateDirectory(home);
        var immutable = credentials.GetCredentials();
        var directEnvironment = ChildEnvironment.Clean();
        directEnvironment["HOME"] = home;
        directEnvironment["PATH"] = path;
        directEnvironment["AWS_ACCESS_KEY_ID"] = immutable.AccessKey;
        directEnvironment["AWS_SECRET_ACCESS_KEY"] = immutable.SecretKey;
        directEnvironment["AWS_SESSION_TOKEN"] = immutable.Token;
        directEnvironment["AWS_DEFAULT_REGION"] = AwsSandbox.Region;
        var tshEnvironment = user.Environment([new("PATH", path)]);
        var viaRunningProxy = ChildEnvironment.Clean().With(runningProxy.Settings);
        viaRunningProxy["HOME"] = home;
        viaRunningProxy["PATH"] = path;
        viaRunningProxy["AWS_DEFAULT_REGION"] = AwsSandbox.Region;
        var tsh = repo.Tsh;

        var commands = new List<CliCommand>
        {
            new(CliKeys.AwsDirect, $"aws dynamodb list-tables --endpoint-url {sandbox.Endpoint}", "aws", ["dynamodb", "list-tables", "--endpoint-url", sandbox.Endpoint], directEnvironment, home, AwsSandbox.Table),
            new(CliKeys.TshAws, "tsh aws dynamodb list-tables", tsh, ["aws", "dynamodb", "list-tables"], tshEnvironment, user.Home, AwsSandbox.Table),
            new(CliKeys.AwsViaRunningProxy, "aws dynamodb list-tables   (HTTPS_PROXY = an already running tsh proxy aws)", "aws", ["dynamodb", "list-tables"], viaRunningProxy, home, AwsSandbox.Table),
            new(CliKeys.TshAwsExecTrue, "tsh aws --exec true   (tsh + its resident local proxy found, no aws)", tsh, ["aws", "--exec", "true"], tshEnvironment, user.Home, null),
            new(CliKeys.TshVersion, "tsh version   (tsh start-up alone)", tsh, ["version"], tshEnvironment, user.Home, null),
            new(CliKeys.TshStatus, "tsh status   (reads the profile and its certificates)", tsh, ["status"], tshEnvironment, user.Home, null),
            new(CliKeys.AwsVersion, "aws --version   (aws CLI start-up alone)", "aws", ["--version"], directEnvironment, home, null),
        };
        return await CliTimer.MeasureAsync(commands, options.CliRuns, message => console.MarkupLine($"[grey]  {message}[/]"), ct);
    }

    /// <summary>--hold: everything stays up for experiments by hand until Ctrl-C, which cleans up as usual.</summary>
    private async Task HoldAsync(AwsSandbox sandbox, StaticDynamoDb staticUpstream, FerryCluster cluster, TshUser motoUser, TshUser staticUser, TshAwsProxy[] proxies, CancellationToken ct)
    {
        console.WriteLine($"""
            Holding (Ctrl-C stops everything). Directory: {temp}
              moto:            {sandbox.Endpoint}   (agent key in {Path.Combine(temp, "aws", "aws.env")})
              static upstream: {staticUpstream.Endpoint}
              cluster:         {cluster.ProxyAddress}, tctl -c {cluster.ConfigPath}
              tsh homes:       HOME={motoUser.Home} TELEPORT_HOME={motoUser.TeleportHome} (aws-dynamodb)
                               HOME={staticUser.Home} TELEPORT_HOME={staticUser.TeleportHome} (aws-static)
            """);
        foreach (var proxy in proxies)
        {
            console.WriteLine($"  tsh proxy aws{(proxy.IsEndpointUrl ? " -e" : "")} on port {proxy.Port}: " + string.Join(' ', proxy.Settings.Select(s => $"{s.Key}={s.Value}")));
        }

        await Task.Delay(Timeout.Infinite, ct);
    }

    private string? AwsCliPath()
    {
        if (options.Aws is not null)
        {
            return options.Aws;
        }

        if (File.Exists("/usr/bin/aws"))
        {
            return "/usr/bin/aws";
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "aws"))
            .FirstOrDefault(File.Exists);
    }

    private void Step(string what) => console.MarkupLine($"[blue]==>[/] {Markup.Escape(what)}");

    /// <summary>The one item every GetItem reads: a key and a ~100-byte attribute, in moto and in the static upstream alike.</summary>
    private static (Dictionary<string, AttributeValue> Item, string Json) BenchItem()
    {
        var payload = new string('x', 100);
        var item = new Dictionary<string, AttributeValue>
        {
            ["pk"] = new() { S = "bench-item" },
            ["payload"] = new() { S = payload },
            ["n"] = new() { N = "42" },
        };
        return (item, $$$"""{"pk":{"S":"bench-item"},"payload":{"S":"{{{payload}}}"},"n":{"N":"42"}}""");
    }

    private sealed record Scenario(string Key, string Name, string Upstream, bool Diagnostic, AmazonDynamoDBClient Direct, AmazonDynamoDBClient Ferry);
}
