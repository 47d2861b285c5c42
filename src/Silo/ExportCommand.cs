using System.Diagnostics;
using Parking.Domain.CompoundFiles;
using Parking.Grains.Compounds;

namespace Parking.Silo;

/// <summary>
/// <c>export COMPOUND [FILE]</c>: a silo started with the rest of the command line (with PostgreSQL storage it joins
/// the cluster and reads the compounds it keeps) writes one live compound as a compound file, as
/// <c>GET /api/compounds/{compoundId}/file</c> answers it, then stops.
/// </summary>
public static class ExportCommand
{
    public const string Usage = "usage: export COMPOUND [FILE] [silo settings, e.g. --ConnectionStrings:Parking=...]  (FILE: COMPOUND.json when not given)";

    /// <summary>
    /// The compound and the file are the arguments before the first option; the options left over configure the silo.
    /// Null when no compound is named or more than two arguments come before the options.
    /// </summary>
    public static (string CompoundId, string Path, string[] HostArgs)? Parse(string[] rest)
    {
        ArgumentNullException.ThrowIfNull(rest);
        var named = rest.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var hostArgs = rest.Skip(named.Length).ToArray();
        return named switch
        {
            [var compound] when !string.IsNullOrWhiteSpace(compound) => (compound, compound + ".json", hostArgs),
            [var compound, var path] when !string.IsNullOrWhiteSpace(compound) && !string.IsNullOrWhiteSpace(path) => (compound, path, hostArgs),
            _ => null,
        };
    }

    /// <summary>
    /// Writes the compound's file to <paramref name="path"/> (replacing a file there only once the whole export is
    /// written beside it). Returns the exit code: 0 written, 1 no such compound or the file could not be written (an
    /// existing file is then left as it was).
    /// </summary>
    public static async Task<int> WriteAsync(IServiceProvider services, string compoundId, string path, TextWriter output, TextWriter errors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        var watch = Stopwatch.StartNew();
        var file = await CompoundExporter.Export(services.GetRequiredService<IGrainFactory>(), compoundId, cancellationToken);
        if (file is null)
        {
            errors.WriteLine($"Not exported: no compound '{compoundId}' here (a compound with no layout). Nothing was written.");
            return 1;
        }

        var full = Path.GetFullPath(path);
        var partial = full + ".partial";
        try
        {
            await File.WriteAllTextAsync(partial, CompoundFileReader.Write(file, indented: true), cancellationToken);
            File.Move(partial, full, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            TryDelete(partial);
            errors.WriteLine($"Not exported: {path}: {exception.Message}");
            return 1;
        }

        output.WriteLine(
            $"Exported '{compoundId}' to {path} in {watch.ElapsedMilliseconds} ms: {file.Lots.Count} lots, {file.Spaces.Count} spaces, {file.ChargingAreas.Sum(a => a.Chargers.Count)} chargers, " +
            $"{file.Households.Count} households, {file.People.Count} people.");
        return 0;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The partial file stays; the message names the real failure.
        }
    }
}
