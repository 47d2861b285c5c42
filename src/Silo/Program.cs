using Parking.Api;
using Parking.Silo;
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

var builder = WebApplication.CreateBuilder(args);
builder.UseDefaultListenAddress();
builder.AddParkingHistory();
builder.AddParkingOrleans();
builder.AddParkingApi();
builder.AddParkingTelemetry();
builder.AddDemoSettings();
builder.AddDemoCompound();
builder.AddDemoProposal();
builder.AddShelters();
builder.AddSimulatedChargers();
builder.AddSimulatedGate();
builder.AddParkingWeb();

var app = builder.Build();
app.MapParkingApi();
app.MapParkingWeb();
app.AnnounceAddresses();

// Read before the run: a host that failed to start is disposed, and its services with it.
var stopping = app.Lifetime.ApplicationStopping;
try
{
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
