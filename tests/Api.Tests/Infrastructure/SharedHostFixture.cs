using Xunit;

namespace Parking.Api.Tests.Infrastructure;

/// <summary>
/// One host for the whole <see cref="SharedHostCollection"/>: its tests run one after another, each on
/// its own residents and spaces. Tests that move the clock read <see cref="ParkingHost.Now"/> afresh.
/// </summary>
public sealed class SharedHostFixture : IAsyncLifetime
{
    private ParkingHost? _host;

    public ParkingHost Host => _host ?? throw new InvalidOperationException("The shared host has not started.");

    public async Task InitializeAsync() => _host = await ParkingHost.StartAsync(ParkingHost.NewClock());

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SharedHostCollection : ICollectionFixture<SharedHostFixture>
{
    public const string Name = "Shared parking host";
}
