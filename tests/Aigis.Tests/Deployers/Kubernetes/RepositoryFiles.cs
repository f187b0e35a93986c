using System.Runtime.CompilerServices;

namespace Aigis.Tests.Deployers.Kubernetes;

/// <summary>Files of the repository the Kubernetes tests read: goldens and the schema check beside this file, examples at the root.</summary>
internal static class RepositoryFiles
{
    /// <summary>This folder in the source tree (goldens are compared with, and regenerated into, the source, not the build output).</summary>
    public static string ThisFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    public static string Goldens => Path.Combine(ThisFolder(), "Goldens");

    public static string SchemaCheck => Path.Combine(ThisFolder(), "SchemaCheck");

    public static string Example(string name)
    {
        var directory = new DirectoryInfo(ThisFolder());
        while (directory is not null && !Directory.Exists(Path.Combine(directory.FullName, "examples")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("examples/ not found above the tests"), "examples", name);
    }
}
