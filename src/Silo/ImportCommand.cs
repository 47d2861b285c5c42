using System.Diagnostics;
using Parking.Domain.CompoundFiles;
using Parking.Grains.Compounds;

namespace Parking.Silo;

/// <summary>
/// <c>import FILE... [--dry-run] [--exit]</c>: checks compound files (and the CSV files they name, beside them)
/// and reports every problem at once; valid files are then applied by a silo started with the rest of the command
/// line, which goes on serving unless <c>--exit</c> is given (with PostgreSQL storage the compounds stay).
/// </summary>
public static class ImportCommand
{
    /// <summary>The files are the arguments before the first option; the options left over configure the silo.</summary>
    public static (string[] Paths, bool DryRun, bool Exit, string[] HostArgs) Parse(string[] rest)
    {
        var paths = rest.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var options = rest.Skip(paths.Length).ToArray();
        return (paths, options.Contains("--dry-run"), options.Contains("--exit"), [.. options.Where(a => a is not "--dry-run" and not "--exit")]);
    }

    /// <summary>Checks the file; prints its problems and returns null when it has any.</summary>
    public static CompoundFileCheck? Check(string path)
    {
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"{path}: no such file");
            return null;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var watch = Stopwatch.StartNew();
        var check = CompoundFileCheck.Run(File.ReadAllText(path), name =>
        {
            var sibling = Path.GetFullPath(Path.Combine(folder, name));
            return sibling.StartsWith(folder, StringComparison.Ordinal) && File.Exists(sibling) ? File.ReadAllText(sibling) : null;
        });
        if (!check.IsValid)
        {
            Console.Error.WriteLine($"{path}: {check.Problems.Count} problem(s); nothing was imported.");
            foreach (var problem in check.Problems)
            {
                Console.Error.WriteLine("  " + problem);
            }

            return null;
        }

        var layout = check.Layout!;
        Console.WriteLine(
            $"{path}: valid ({watch.ElapsedMilliseconds} ms). Compound '{layout.CompoundId}' ({layout.Name}): {layout.Buildings.Count} buildings, " +
            $"{layout.Households.Count} households, {layout.Lots.Count} lots, {layout.SpaceCount} spaces, " +
            $"{layout.ChargingAreas.Sum(a => a.Chargers.Count)} chargers, {layout.Shelters.Count} shelters, {layout.Users.Count} people.");
        return check;
    }

    public static async Task<int> ApplyAsync(WebApplication app, IReadOnlyList<CompoundFileCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var all = Stopwatch.StartNew();
        foreach (var check in checks)
        {
            if (await ApplyAsync(app, check) != 0)
            {
                return 1;
            }
        }

        if (checks.Count > 1)
        {
            Console.WriteLine($"Imported {checks.Count} compounds in {all.ElapsedMilliseconds} ms.");
        }

        return 0;
    }

    public static async Task<int> ApplyAsync(WebApplication app, CompoundFileCheck check)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(check);
        var importer = app.Services.GetRequiredService<CompoundImporter>();
        var watch = Stopwatch.StartNew();
        var applied = await importer.Apply(check.Layout!, expectedVersion: null);
        if (applied.Error is { Code: "import-unfinished" })
        {
            // An earlier import stopped after storing its layout (cancelled, or its host went down): finish it, then this one.
            Console.WriteLine($"An earlier import of '{check.Layout!.CompoundId}' stopped before it finished: finishing it first.");
            var finished = await importer.Finish(check.Layout!.CompoundId);
            if (!finished.IsSuccess)
            {
                Console.Error.WriteLine($"Not imported: {finished.Error!.Message}");
                return 1;
            }

            applied = await importer.Apply(check.Layout!, expectedVersion: null);
        }

        if (applied.Value is not { } outcome)
        {
            Console.Error.WriteLine($"Not imported: {applied.Error!.Message}");
            return 1;
        }

        var diff = outcome.Preview.Diff;
        Console.WriteLine(
            $"Imported '{check.Layout!.CompoundId}' at layout version {outcome.LayoutVersion} in {watch.ElapsedMilliseconds} ms: " +
            $"{diff.SpacesAdded.Count} spaces added, {diff.SpacesRemoved.Count} removed, {diff.SpacesChanged.Count} retyped or re-owned, " +
            $"{diff.ChargersChanged.Count} chargers changed; {outcome.BookingsMoved} bookings moved or refunded.");
        return 0;
    }
}
