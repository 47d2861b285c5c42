using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Parking.Domain;
using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Grains.Charging;
using Parking.Grains.Notifications;
using Xunit;

namespace Parking.Grains.Tests.Charging;

/// <summary>
/// Live in-turn charging under one turn per request, set as a compound sets it (<c>Parking:Charging:MaxTurnsPerRequest</c>
/// in the silo's settings). One 7 kW charger on a 7 kW feed; A needs 3.5 kWh within two hours and is planned one
/// half-hour turn, but its car draws only 2 kW from plug-in, and that meter report re-plans the area.
/// </summary>
[Collection(OneTurnCollection.Name)]
public sealed class OneTurnChargingTests(OneTurnFixture fixture) : IAsyncLifetime
{
    private const string AreaId = "CA-K1";
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(15);
    private static readonly ChargingPolicy Policy = new();

    private readonly string _compoundId = "one-turn-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _hostId = "one-turn-test-" + Guid.NewGuid().ToString("N");
    private readonly ChargingGrainTests.Recorder _recorder = new();
    private IHubObserver? _reference;

    private IChargingAreaGrain Area => fixture.Grains.ChargingArea(_compoundId, AreaId);

    private static DateTimeOffset Now => OneTurnFixture.Clock.GetUtcNow();

    public async Task InitializeAsync()
    {
        _reference = fixture.Grains.CreateObjectReference<IHubObserver>(_recorder);
        await fixture.Grains.GetGrain<IHubDirectoryGrain>(0).Register(_hostId, _reference);

        // Publishers cache the directory for 2 s: after that, every push reaches this observer.
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var area = new ChargingAreaDefinition(AreaId, "One-turn area", "G1", 7, [new ChargerDefinition("C-K1", "G1-K1", 7)]);
        var layout = new CompoundLayout(_compoundId, "One-turn test", [], [], [], []) { ChargingAreas = [area] };
        Assert.True(await fixture.Grains.Compound(_compoundId).InitializeLayout(layout));
    }

    public async Task DisposeAsync()
    {
        await fixture.Grains.GetGrain<IHubDirectoryGrain>(0).Unregister(_hostId);
        fixture.Grains.DeleteObjectReference<IHubObserver>(_reference!);
    }

    private async Task<ChargingRequest> Submit(string resident, double energyKwh, DateTimeOffset from, TimeSpan window)
    {
        var draft = new ChargingRequestDraft("P-" + resident, energyKwh, new TimeWindow(from, from + window), true);
        var outcome = await Area.Submit(resident, draft);
        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
        return await Get(outcome.Value!.Id);
    }

    private async Task<ChargingRequest> Get(string id)
    {
        await Area.WhenPlanned();
        return (await Area.GetRequest(id, new Actor("staff01", true))).Value!;
    }

    private async Task Report(ChargerStatus status, double power = 0, double? meter = null)
    {
        var outcome = await fixture.Grains.Charger(_compoundId, "C-K1").Report(new ChargerReport(status, power, meter));
        Assert.True(outcome.IsSuccess, outcome.Error?.Message);
    }

    private static void AdvanceTo(DateTimeOffset instant)
    {
        var wait = instant - Now;
        if (wait > TimeSpan.Zero)
        {
            OneTurnFixture.Clock.Advance(wait);
        }
    }

    /// <summary>The next period boundary: A's turn starts there.</summary>
    private static DateTimeOffset NextBoundary() =>
        new DateTimeOffset(Now.UtcTicks - (Now.UtcTicks % Policy.Period.Ticks), TimeSpan.Zero) + Policy.Period;

    /// <summary>Plugs A's car in at its turn's start and reports it drawing 2 kW.</summary>
    private async Task PlugInSlowly(ChargingRequest a, Func<Task>? beforeItDraws = null)
    {
        AdvanceTo(a.Turn!.Window.Start);
        await _recorder.WaitFor(a.Id, ChargingNoticeKind.PlugInNow, PushTimeout);
        await Report(ChargerStatus.Preparing, meter: 0);
        await _recorder.WaitFor(a.Id, ChargingNoticeKind.ChargingStarted, PushTimeout);
        if (beforeItDraws is not null)
        {
            await beforeItDraws();
        }

        await Report(ChargerStatus.Charging, 2, 0);
    }

    /// <summary>
    /// Nobody needs the charger after A: making A's running turn longer is no new turn, so A's turn is made long enough
    /// for the 2.5 kWh its half hour at 2 kW leaves it short, the driver hears of the longer turn, and when the half hour
    /// is over the car is still charging where it is, with no move asked.
    /// </summary>
    [Fact]
    public async Task The_running_turn_is_made_longer_where_the_charger_stays_free()
    {
        var t0 = NextBoundary();
        var a = await Submit("r1", 3.5, t0, TimeSpan.FromHours(2));
        var first = a.Turn!;
        Assert.Equal(new TimeWindow(t0, t0.AddMinutes(30)), first.Window);

        await PlugInSlowly(a);

        a = await Get(a.Id);
        Assert.Equal((ChargingRequestStatus.Charging, "C-K1", t0), (a.Status, a.Turn!.ChargerId, a.Turn.Window.Start));
        Assert.True(a.Turn.Window.End >= t0.AddMinutes(105), $"A's turn {a.Turn.Window} must last the 105 minutes 3.5 kWh take at 2 kW");
        Assert.Empty(a.LaterTurns);
        var told = await _recorder.WaitFor(n => n.Request.Id == a.Id && n.Kind == ChargingNoticeKind.TurnMoved, "the longer turn of " + a.Id, PushTimeout);
        Assert.Equal(a.Turn.Window, told.Request.Turn!.Window);

        AdvanceTo(first.Window.End.AddMinutes(5));
        var later = await Get(a.Id);
        Assert.Equal((ChargingRequestStatus.Charging, a.Turn.Window, 0), (later.Status, later.Turn!.Window, later.TurnsDone));
    }

    /// <summary>
    /// B needs the charger for the half hour after A's turn: A's turn cannot be made longer, and under one turn per
    /// request A is offered no later turn (the default of two turns offers one, see
    /// <see cref="ChargingGrainTests.A_car_behind_its_plan_while_charging_is_offered_a_later_turn"/>).
    /// </summary>
    [Fact]
    public async Task No_later_turn_is_added_where_another_car_needs_the_charger_next()
    {
        var t0 = NextBoundary();
        var a = await Submit("r1", 3.5, t0, TimeSpan.FromHours(2));
        var first = a.Turn!;
        ChargingRequest? b = null;

        await PlugInSlowly(a, async () => b = await Submit("r2", 3.5, first.Window.End, TimeSpan.FromMinutes(30)));

        a = await Get(a.Id);
        Assert.Equal((ChargingRequestStatus.Charging, first.Window), (a.Status, a.Turn!.Window));
        Assert.Empty(a.LaterTurns);
        Assert.Equal(new TimeWindow(first.Window.End, first.Window.End.AddMinutes(30)), (await Get(b!.Id)).Turn!.Window);
    }
}

/// <summary>One silo whose charging policy comes from its settings, with one turn per request, and a clock of its own.</summary>
public sealed class OneTurnFixture : IAsyncLifetime
{
    public static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));

    public TestCluster Cluster { get; } = new TestClusterBuilder(1)
        .ConfigureHostConfiguration(settings => settings.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{ChargingPolicy.SectionName}:{nameof(ChargingPolicy.MaxTurnsPerRequest)}"] = "1",
        }))
        .AddSiloBuilderConfigurator<SiloConfigurator>()
        .Build();

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync() => await Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            ClusterFixture.ConfigureSilo(siloBuilder, GrainKeys.StorageName, Clock);

            // The rules bound from the silo's settings, as the silo binds them.
            siloBuilder.Services.AddParkingRules();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class OneTurnCollection : ICollectionFixture<OneTurnFixture>
{
    public const string Name = "one-turn";
}
