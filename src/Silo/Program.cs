using Parking.Api;
using Parking.Grains.History;
using Parking.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddParkingOrleans();
builder.Services.AddInMemoryReservationHistory();
builder.AddParkingApi();
builder.AddParkingTelemetry();
builder.AddDemoCompound();

var app = builder.Build();
app.MapParkingApi();
app.AnnounceAddresses();
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
