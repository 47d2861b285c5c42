using Parking.Api;
using Parking.Silo;
using Parking.Storage.History;

// `migrate`: apply the PostgreSQL schema and exit (see README, PostgreSQL).
if (args is ["migrate", .. var rest])
{
    return await PostgresHosting.MigrateAsync(rest);
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
builder.AddParkingWeb();

var app = builder.Build();
app.MapParkingApi();
app.MapParkingWeb();
app.AnnounceAddresses();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
