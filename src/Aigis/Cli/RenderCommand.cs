using System.CommandLine;
using Aigis.Core.Configuration;
using Aigis.Demo;
using Aigis.Deployers.Kubernetes;

namespace Aigis.Cli;

/// <summary>
/// <c>aigis render k8s [--config FILE] [-o yaml|json]</c>: the Kubernetes manifests of a config's <c>runtime: kubernetes</c>
/// services, exactly what the Kubernetes deployer applies (less the owner references, which need the Deployment's
/// uid from the cluster). With no config: the embedded demo fleet, as if it ran on Kubernetes.
/// </summary>
internal static class RenderCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = new Option<string>("--config", "-c") { Description = "The config file; without it, the embedded demo fleet (image " + DemoOnKubernetes.SimulatorImage + ")." };
        var format = new Option<string>("--output", "-o") { Description = "yaml (documents separated by ---) or json (a v1 List).", DefaultValueFactory = _ => "yaml" };
        format.AcceptOnlyFromAmong("yaml", "json");
        var k8s = new Command("k8s", "Print the Kubernetes manifests (Deployment, Service, PodDisruptionBudget, HorizontalPodAutoscaler) of the config's runtime: kubernetes services.")
        {
            config,
            format,
        };
        k8s.SetAction(parse => Render(parse.GetValue(config), parse.GetValue(format)!, output, error));
        return new Command("render", "Render what aigis would deploy, for another tool to apply.") { k8s };
    }

    private static int Render(string? path, string format, TextWriter output, TextWriter error)
    {
        AigisConfig config;
        if (path is null)
        {
            var demo = ConfigLoader.LoadText(EmbeddedDemo.Render(), "demo.yaml");
            config = DemoOnKubernetes.Convert(demo.Config ?? throw new InvalidOperationException("The embedded demo config is invalid: " + string.Join("; ", demo.Errors)));
        }
        else
        {
            var result = ConfigLoader.LoadFile(path, ConfigOverride.FromProcessEnvironment());
            if (!result.IsValid)
            {
                foreach (var problem in result.Errors)
                {
                    error.WriteLine(problem);
                }

                error.WriteLine($"{path}: {result.Errors.Count} problem{(result.Errors.Count == 1 ? "" : "s")}");
                return ExitCodes.BadInput;
            }

            config = result.Config!;
        }

        var services = config.Services.Where(s => s.Runtime == RuntimeKind.Kubernetes).ToArray();
        if (services.Length == 0)
        {
            error.WriteLine($"{path}: no runtime: kubernetes services to render");
            return ExitCodes.BadInput;
        }

        var others = config.Services.Where(s => s.Runtime != RuntimeKind.Kubernetes).Select(s => s.Name).ToArray();
        if (others.Length > 0)
        {
            error.WriteLine($"not rendered (not runtime: kubernetes): {string.Join(", ", others)}");
        }

        var manifests = services.SelectMany(s => ManifestBuilder.Build(s, defaultNamespace: null).All).ToArray();
        output.Write(format == "json" ? ManifestSerializer.ToJsonList(manifests) : ManifestSerializer.ToYaml(manifests));
        return ExitCodes.Success;
    }
}
