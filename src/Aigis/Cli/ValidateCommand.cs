using System.CommandLine;
using Aigis.Core.Configuration;

namespace Aigis.Cli;

/// <summary><c>aigis validate FILE</c>: every problem as <c>FILE:LINE:COL: message</c>; exit 0 valid, 2 invalid.</summary>
internal static class ValidateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("FILE") { Description = "The config file to check (YAML)." };
        var noEnv = new Option<bool>("--no-env") { Description = "Ignore AIGIS__* environment overrides and check the file alone." };
        var command = new Command("validate", "Check a config file and print every problem as FILE:LINE:COL: message. Exit 0 when valid, 2 when not.")
        {
            file,
            noEnv,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var overrides = parse.GetValue(noEnv) ? [] : ConfigOverride.FromProcessEnvironment();
            var result = ConfigLoader.LoadFile(path, overrides);
            if (!result.IsValid)
            {
                foreach (var problem in result.Errors)
                {
                    error.WriteLine(problem);
                }

                error.WriteLine($"{path}: {result.Errors.Count} problem{(result.Errors.Count == 1 ? "" : "s")}");
                return ExitCodes.BadInput;
            }

            var config = result.Config!;
            var replicas = config.Services.Sum(s => s.Process?.Replicas ?? 0);
            var replicaText = replicas > 0 ? $", {replicas} process replicas" : "";
            output.WriteLine($"{path}: valid ({config.Services.Count} service{(config.Services.Count == 1 ? "" : "s")}, {config.Services.Sum(s => s.Instances.Count)} instances{replicaText}, {config.Services.Sum(s => s.Models.Count)} models)");
            return ExitCodes.Success;
        });
        return command;
    }
}
