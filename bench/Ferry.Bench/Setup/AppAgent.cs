using Ferry.Bench.Infrastructure;

namespace Ferry.Bench.Setup;

/// <summary>
/// A separate <c>teleport start</c> running only app_service with one AWS app, joined through the proxy with a
/// token and the CA pin, and started with the sandbox's aws.env variables (plus any endpoint override) as the
/// guide's /etc/default/teleport would give it.
/// </summary>
internal static class AppAgent
{
    public static async Task<ChildProcess> StartAsync(Repo repo, FerryCluster cluster, string app, string directory,
        IReadOnlyDictionary<string, string> awsEnvironment, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var tokenFile = await cluster.AddAppTokenAsync(app, cancellationToken);
        var caPin = await cluster.CaPinAsync(cancellationToken);
        var config = Path.Combine(directory, "agent.yaml");
        await File.WriteAllTextAsync(config, $"""
            version: v3
            teleport:
              nodename: bench-{app}
              data_dir: {Path.Combine(directory, "data")}
              join_params:
                token_name: {tokenFile}
                method: token
              proxy_server: {cluster.ProxyAddress}
              ca_pin: {caPin}
              log:
                output: stderr
                severity: INFO
            auth_service:
              enabled: off
            proxy_service:
              enabled: off
            ssh_service:
              enabled: off
            app_service:
              enabled: true
              apps:
              - name: {app}
                uri: {FerryCluster.AppUri}

            """, cancellationToken);
        var environment = ChildEnvironment.Clean().With(awsEnvironment);
        return ChildProcess.Start($"teleport (app agent {app})", repo.Teleport, ["start", "-c", config], environment, Path.Combine(directory, "teleport.log"), directory);
    }
}
