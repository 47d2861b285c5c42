using Xunit;

namespace Parking.Api.Tests.Infrastructure;

/// <summary>
/// A host for one test class alone (its own compound, clock and silo), started before the class's first test and
/// stopped after its last. A fixture that needs other settings or services overrides <see cref="StartAsync"/>.
/// </summary>
public abstract class OwnHostFixture : IAsyncLifetime
{
    private ParkingHost? _host;

    public ParkingHost Host => _host ?? throw new InvalidOperationException($"The host of {GetType().Name} has not started.");

    /// <summary>The embedded default with a test clock.</summary>
    protected virtual Task<ParkingHost> StartAsync() => ParkingHost.StartAsync(ParkingHost.NewClock());

    public async Task InitializeAsync() => _host = await StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
