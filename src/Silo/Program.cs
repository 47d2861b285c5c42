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

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
