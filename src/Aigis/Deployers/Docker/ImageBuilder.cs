using System.Diagnostics;
using System.Formats.Tar;
using System.Text;
using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using DockerConfig = Aigis.Core.Configuration.DockerConfig;

namespace Aigis.Deployers.Docker;

/// <summary>
/// Builds images locally, since no registry can be reached: from a self-contained publish directory
/// (<c>dotnet publish -r linux-x64 --self-contained -p:InvariantGlobalization=true</c>) into an image
/// <c>FROM scratch</c> that holds the directory at <c>/app</c> and the host's shared libraries its native files need.
/// </summary>
/// <remarks>
/// A self-contained .NET app still needs the C library and the dynamic loader, which a scratch image lacks. The libraries
/// are found the way the loader would find them on this host (<c>ldd</c> on every ELF file of the directory) and copied
/// in at the same paths, so the image runs on any engine of the same architecture. It is tens of megabytes and builds in
/// seconds; a Debian root (debootstrap) would be 175 MB and take half a minute.
/// </remarks>
internal sealed partial class ImageBuilder(DockerClient client, ILogger logger)
{
    /// <summary>Builds <paramref name="docker"/>'s image from its <c>buildFrom</c> directory unless the engine has it already.</summary>
    public async Task EnsureAsync(DockerConfig docker, CancellationToken cancellationToken)
    {
        if (docker.BuildFrom is not { } directory || await ExistsAsync(docker.Image, cancellationToken))
        {
            return;
        }

        await BuildAsync(directory, docker.Image, entrypoint: null, cancellationToken);
    }

    public async Task<bool> ExistsAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            await client.Images.InspectImageAsync(image, cancellationToken);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Builds <paramref name="image"/> from the publish directory <paramref name="directory"/>; with
    /// <paramref name="entrypoint"/> (a file in it) the image runs that by default. Returns the bytes sent to the engine.
    /// </summary>
    public async Task<long> BuildAsync(string directory, string image, string? entrypoint, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"cannot build {image}: the publish directory {root} does not exist");
        }

        if (entrypoint is not null && !File.Exists(Path.Combine(root, entrypoint)))
        {
            throw new FileNotFoundException($"cannot build {image}: {entrypoint} is not in {root}");
        }

        Log.Building(logger, image, root);
        using var context = new MemoryStream();
        await using (var tar = new TarWriter(context, TarEntryFormat.Pax, leaveOpen: true))
        {
            await AddTextAsync(tar, "Dockerfile", Dockerfile(entrypoint), cancellationToken);
            var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
            foreach (var file in files)
            {
                await AddFileAsync(tar, file, "root/app/" + Path.GetRelativePath(root, file).Replace('\\', '/'), cancellationToken);
            }

            foreach (var library in await SharedLibrariesAsync(files, cancellationToken))
            {
                await AddFileAsync(tar, library, "root" + library, cancellationToken);
            }

            // .NET writes its diagnostics sockets and temporary files under /tmp; scratch has none.
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "root/tmp/") { Mode = (UnixFileMode)Convert.ToInt32("1777", 8) }, cancellationToken);
        }

        context.Position = 0;
        var size = context.Length;
        var failures = new List<string>();
        var progress = new Progress<JSONMessage>(message =>
        {
            if (message.Error is { Message: { Length: > 0 } error })
            {
                failures.Add(error);
            }
        });
        await client.Images.BuildImageFromDockerfileAsync(
            new ImageBuildParameters { Tags = [image], Remove = true, ForceRemove = true }, context, null, null, progress, cancellationToken);
        if (failures.Count > 0)
        {
            throw new InvalidOperationException($"the engine could not build {image}: {string.Join("; ", failures)}");
        }

        Log.Built(logger, image, size);
        return size;
    }

    private static string Dockerfile(string? entrypoint)
    {
        var text = new StringBuilder("FROM scratch\nCOPY root/ /\nENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_EnableDiagnostics=0\nWORKDIR /app\n");
        if (entrypoint is not null)
        {
            text.Append("ENTRYPOINT [\"/app/").Append(entrypoint.Replace("\"", "", StringComparison.Ordinal)).Append("\"]\n");
        }

        return text.ToString();
    }

    /// <summary>The host libraries (full paths) the ELF files among <paramref name="files"/> load, by <c>ldd</c>.</summary>
    private static async Task<SortedSet<string>> SharedLibrariesAsync(IEnumerable<string> files, CancellationToken cancellationToken)
    {
        var libraries = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in files.Where(IsElf))
        {
            var info = new ProcessStartInfo("ldd") { RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add(file);
            using var ldd = Process.Start(info) ?? throw new InvalidOperationException("cannot run ldd");
            var output = await ldd.StandardOutput.ReadToEndAsync(cancellationToken);
            await ldd.WaitForExitAsync(cancellationToken);
            foreach (Match match in LibraryPath().Matches(output))
            {
                libraries.Add(match.Groups["path"].Value);
            }
        }

        return libraries;
    }

    private static bool IsElf(string file)
    {
        Span<byte> magic = stackalloc byte[4];
        using var stream = File.OpenRead(file);
        return stream.Read(magic) == 4 && magic.SequenceEqual("\u007fELF"u8);
    }

    private static async Task AddFileAsync(TarWriter tar, string source, string name, CancellationToken cancellationToken)
    {
        // Symbolic links are followed: the image gets the library itself at the path the loader asks for.
        var real = File.ResolveLinkTarget(source, returnFinalTarget: true)?.FullName ?? source;
        await using var data = File.OpenRead(real);
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = data, Mode = OperatingSystem.IsWindows() ? UnixFileMode.UserRead | UnixFileMode.UserExecute : File.GetUnixFileMode(real) };
        await tar.WriteEntryAsync(entry, cancellationToken);
    }

    private static async Task AddTextAsync(TarWriter tar, string name, string text, CancellationToken cancellationToken)
    {
        using var data = new MemoryStream(Encoding.UTF8.GetBytes(text));
        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = data, Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead }, cancellationToken);
    }

    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and the loader's own line "/lib64/ld-linux-x86-64.so.2 (0x...)".
    [GeneratedRegex(@"(?:=>\s+|^\s+)(?<path>/\S+)\s+\(0x", RegexOptions.Multiline)]
    private static partial Regex LibraryPath();

    private static partial class Log
    {
        [LoggerMessage(147, LogLevel.Information, "Building image {Image} from {Directory}")]
        public static partial void Building(ILogger logger, string image, string directory);

        [LoggerMessage(148, LogLevel.Information, "Built image {Image} ({Bytes} bytes of context)")]
        public static partial void Built(ILogger logger, string image, long bytes);
    }
}
