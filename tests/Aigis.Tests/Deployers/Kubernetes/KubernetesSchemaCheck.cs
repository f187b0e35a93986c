using System.Diagnostics;

namespace Aigis.Tests.Deployers.Kubernetes;

/// <summary>
/// Validates manifests against the Kubernetes OpenAPI schemas as compiled into the npm package <c>kubernetes-models</c>
/// (pinned in SchemaCheck/package-lock.json), by running SchemaCheck/validate.mjs under node. The package is installed
/// with <c>npm ci</c> into the test output folder on first use, from the npm registry; nothing is fetched at run time
/// of aigis, and no schema is downloaded by the check itself.
/// </summary>
internal static class KubernetesSchemaCheck
{
    private static readonly TimeSpan s_installTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan s_runTimeout = TimeSpan.FromMinutes(2);
    private static readonly SemaphoreSlim s_install = new(1, 1);

    /// <summary>The validator's exit code and its lines (<c>ok KIND NAME</c> or <c>invalid KIND NAME: why</c>) for a <c>v1 List</c> in JSON.</summary>
    public static async Task<(int ExitCode, string Output)> ValidateAsync(string jsonList)
    {
        var folder = await InstallAsync();
        var input = Path.Combine(folder, $"input-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(input, jsonList);
        try
        {
            return await RunAsync("node", ["validate.mjs", input], folder, s_runTimeout);
        }
        finally
        {
            File.Delete(input);
        }
    }

    private static async Task<string> InstallAsync()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "k8s-schema-check");
        await s_install.WaitAsync();
        try
        {
            Directory.CreateDirectory(folder);
            foreach (var file in new[] { "package.json", "package-lock.json", "validate.mjs" })
            {
                File.Copy(Path.Combine(RepositoryFiles.SchemaCheck, file), Path.Combine(folder, file), overwrite: true);
            }

            if (!File.Exists(Path.Combine(folder, "node_modules", "kubernetes-models", "package.json")))
            {
                var (exitCode, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], folder, s_installTimeout);
                Assert.True(exitCode == 0, $"npm ci of kubernetes-models failed ({exitCode}); node and npm must be installed (.ci/run installs them):\n{output}");
            }

            return folder;
        }
        finally
        {
            s_install.Release();
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, string folder, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds}s");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
