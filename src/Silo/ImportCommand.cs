using System.Diagnostics;
using Parking.Domain;
using Parking.Domain.CompoundFiles;
using Parking.Api;
using Parking.Api.Endpoints;
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
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(checks);
        var all = Stopwatch.StartNew();
        foreach (var check in checks)
        {
            if (await ApplyAsync(app.Services, check, Console.Out, Console.Error) != 0)
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

    /// <summary>Who the import jobs of this command are recorded as started by.</summary>
    public const string StartedBy = "silo-import-command";

    /// <summary>
    /// Applies one checked file as an import job, as the API does: it takes the compound's one import slot first, so
    /// while another import of the compound runs (on any host) it is refused with <c>import-running</c>, naming that
    /// job, and changes nothing. Returns the exit code (0 applied, 1 not).
    /// </summary>
    public static async Task<int> ApplyAsync(IServiceProvider services, CompoundFileCheck check, TextWriter output, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        var importer = services.GetRequiredService<CompoundImporter>();
        var jobs = services.GetRequiredService<ImportJobRunner>();
        var layout = check.Layout!;
        var watch = Stopwatch.StartNew();
        var applied = await Run(jobs, layout.CompoundId, (progress, stopping) => importer.Apply(layout, null, progress, stopping));
        if (applied.Error is { Code: "import-unfinished" })
        {
            // An earlier import stopped after storing its layout (cancelled, or its host went down): finish it, then this one.
            output.WriteLine($"An earlier import of '{layout.CompoundId}' stopped before it finished: finishing it first.");
            var finished = await Run(jobs, layout.CompoundId, (progress, stopping) => importer.Finish(layout.CompoundId, progress, stopping));
            if (!finished.IsSuccess)
            {
                errors.WriteLine($"Not imported: {finished.Error!.Code}: {finished.Error.Message}");
                return 1;
            }

            applied = await Run(jobs, layout.CompoundId, (progress, stopping) => importer.Apply(layout, null, progress, stopping));
        }

        if (applied.Value is not { } outcome)
        {
            errors.WriteLine($"Not imported: {applied.Error!.Code}: {applied.Error.Message}");
            return 1;
        }

        var diff = outcome.Preview.Diff;
        output.WriteLine(
            $"Imported '{layout.CompoundId}' at layout version {outcome.LayoutVersion} in {watch.ElapsedMilliseconds} ms: " +
            $"{diff.SpacesAdded.Count} spaces added, {diff.SpacesRemoved.Count} removed, {diff.SpacesChanged.Count} retyped or re-owned, " +
            $"{diff.ChargersChanged.Count} chargers changed; {outcome.BookingsMoved} bookings moved or refunded.");
        return 0;
    }

    /// <summary>Runs the apply as a job that holds the slot, and waits for its end; a refused start is its outcome.</summary>
    private static async Task<Outcome<ImportOutcome>> Run(
        ImportJobRunner jobs, string compoundId, Func<Func<ImportStep, Task<bool>>, CancellationToken, Task<Outcome<ImportOutcome>>> apply)
    {
        var started = await jobs.Start(compoundId, StartedBy, apply, CompoundImportEndpoints.Applied);
        return started.Value is { } job ? await job.Completion : started.Error!;
    }
}
