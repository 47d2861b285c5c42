using Parking.Api;
using Parking.Silo;
using Parking.Storage;
using Parking.Storage.History;

// `migrate`: apply the PostgreSQL schema and exit (see README, PostgreSQL).
if (args is ["migrate", .. var rest])
{
    return await PostgresHosting.MigrateAsync(rest);
}

// `import FILE... [--dry-run] [--exit]`: check compound files, then apply them (see docs/compound-file.md).
List<Parking.Domain.CompoundFiles.CompoundFileCheck>? import = null;
var exitAfterImport = false;
if (args is ["import", .. var importRest])
{
    var (paths, dryRun, exit, hostArgs) = ImportCommand.Parse(importRest);
    if (paths.Length == 0)
    {
        Console.Error.WriteLine("usage: import FILE... [--dry-run] [--exit] [silo settings, e.g. --Parking:Seed:Enabled=false]");
        return 2;
    }

    var checks = paths.Select(ImportCommand.Check).ToList();
    if (checks.Any(c => c is null) || dryRun)
    {
        return checks.Any(c => c is null) ? 1 : 0;
    }

    import = [.. checks.Select(c => c!)];
    exitAfterImport = exit;
    args = hostArgs;
}

// `export COMPOUND [FILE]`: write one live compound as a compound file, then stop (see docs/compound-file.md).
(string CompoundId, string Path)? export = null;
if (args is ["export", .. var exportRest])
{
    if (ExportCommand.Parse(exportRest) is not { } parsed)
    {
        Console.Error.WriteLine(ExportCommand.Usage);
        return 2;
    }

    export = (parsed.CompoundId, parsed.Path);
    args = parsed.HostArgs;
}

// A setting that is not valid stops the silo here, naming the key and the reason, before anything starts.
WebApplication app;
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.UseDefaultListenAddress();
    builder.AddParkingHistory();
    builder.AddParkingOrleans();
    // Dev tokens (a token for any demo user to anyone who asks) are on by default only in the in-memory embedded default.
    builder.AddParkingApi(devTokensByDefault: builder.AddStorageSettings().IsEmbedded);
    builder.AddParkingTelemetry();
    builder.AddDemoSettings();
    builder.AddDemoCompound();
    builder.AddDemoProposal();
    builder.AddShelters();
    builder.AddSimulatedChargers();
    builder.AddSimulatedGate();
    builder.AddParkingWeb();

    app = builder.Build();
    app.MapParkingApi();
    app.MapParkingWeb();
    app.AnnounceAddresses();
}
catch (Exception exception) when (SettingsRefused.Problems(exception) is { } problems)
{
    return SettingsRefused.Report(problems);
}

// Read before the run: a host that failed to start is disposed, and its services with it.
var stopping = app.Lifetime.ApplicationStopping;
try
{
    if (export is { } exporting)
    {
        await app.StartAsync();
        if (app.Services.GetRequiredService<Parking.Storage.StorageSettings>().IsEmbedded)
        {
            Console.Error.WriteLine(
                "Note: with no PostgreSQL connection string this process exports its own in-memory compounds (the seeded demo), " +
                "not those of another running silo; ask that one with GET /api/compounds/{compoundId}/file.");
        }

        var exported = await ExportCommand.WriteAsync(app.Services, exporting.CompoundId, exporting.Path, Console.Out, Console.Error);
        await app.StopAsync();
        return exported;
    }

    if (import is not null)
    {
        await app.StartAsync();
        var imported = await ImportCommand.ApplyAsync(app, import);
        if (imported != 0 || exitAfterImport)
        {
            await app.StopAsync();
            return imported;
        }

        await app.WaitForShutdownAsync();
        return 0;
    }

    await app.RunAsync();
    return 0;
}
catch (Exception exception) when (SettingsRefused.Problems(exception) is { } problems)
{
    // Checked as the host starts (ValidateOnStart): nothing has started yet either.
    return SettingsRefused.Report(problems);
}
catch (Exception exception) when (stopping.IsCancellationRequested && StartCancellation.Is(exception))
{
    // Ctrl+C (or SIGTERM) while the silo was still starting: the host gave up its start as asked; that is a stop.
    Console.Error.WriteLine("Parking stopped before it was ready: a stop was asked for while it was starting.");
    return 0;
}

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;

/// <summary>Tells a start given up because a stop was asked for from a start that failed.</summary>
internal static class StartCancellation
{
    public static bool Is(Exception exception) => exception switch
    {
        OperationCanceledException or Orleans.Runtime.OrleansLifecycleCanceledException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(Is),
        _ => false,
    };
}

/// <summary>
/// Settings refused by their checks (<see cref="Microsoft.Extensions.Options.OptionsValidationException"/>), told as a
/// person needs it: every key with its reason on the error output and exit code 2, not a stack trace and an abort.
/// </summary>
internal static class SettingsRefused
{
    public const int ExitCode = 2;

    public static IReadOnlyList<string>? Problems(Exception exception) => exception switch
    {
        Microsoft.Extensions.Options.OptionsValidationException invalid => [.. invalid.Failures],
        AggregateException aggregate when aggregate.InnerExceptions.Count > 0
            && aggregate.InnerExceptions.All(e => e is Microsoft.Extensions.Options.OptionsValidationException) =>
            [.. aggregate.InnerExceptions.SelectMany(e => ((Microsoft.Extensions.Options.OptionsValidationException)e).Failures)],
        _ => null,
    };

    public static int Report(IReadOnlyList<string> problems)
    {
        Console.Error.WriteLine("Parking did not start: a setting is not valid.");
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"  {problem}");
        }

        Console.Error.WriteLine("Change it in appsettings.json, an environment variable (Parking__Section__Key) or the command line (--Parking:Section:Key=value), then start again.");
        return ExitCode;
    }
}
