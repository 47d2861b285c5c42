using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Parking.Domain.Charging;
using Parking.Domain.Devices;
using Parking.Domain.Layout;
using Parking.Domain.Membership;
using Parking.Domain.Scenarios;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// Five grain states moved from Grains into Domain with the rules their grains held (the charger's, a device
/// credential's, the people book's, an invite code's and a simulation run's), and their setters became internal.
/// Each stores the bytes its grain-side class stored (the <c>Earlier…</c> classes below, as they were at main
/// 5c2c9a5), and those bytes read back.
/// </summary>
public sealed class MovedStateLayoutTests
{
    private static readonly StoredStateSerializer Storage = new(new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(StoredStateSerializer).Assembly).AddAssembly(typeof(EarlierChargerState).Assembly))
        .AddEarlierTypeNames()
        .BuildServiceProvider()
        .GetRequiredService<Serializer>());

    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    private static void SameBytes<TEarlier, TToday>(TEarlier earlier, TToday today)
    {
        var written = Storage.Serialize(earlier).ToArray();
        Assert.Equal(written, Storage.Serialize(today).ToArray());
        var read = Storage.Deserialize<TToday>(new BinaryData(written));
        var earlierRead = Storage.Deserialize<TEarlier>(new BinaryData(written));
        Assert.Equal(Storage.Serialize(earlierRead).ToArray(), Storage.Serialize(read).ToArray());
    }

    [Fact]
    public void A_chargers_state_stores_as_before()
    {
        var today = new ChargerState();
        today.Configure("a1", new ChargerDefinition("ch1", "s1", 7));
        today.Report(new ChargerReport(ChargerStatus.Charging, 5, 12), T0);
        today.SessionIs("req-1");

        SameBytes(new EarlierChargerState { AreaId = "a1", Charger = today.Charger, SessionRequestId = "req-1" }, today);
        SameBytes(new EarlierChargerState(), new ChargerState());
        var read = Storage.Deserialize<ChargerState>(Storage.Serialize(new EarlierChargerState { AreaId = "a1", Charger = today.Charger, SessionRequestId = "req-1" }))!;
        Assert.Equal(("a1", today.Charger, "req-1"), (read.AreaId, read.Charger, read.SessionRequestId));
    }

    [Fact]
    public void A_device_credential_stores_as_before()
    {
        var today = new DeviceCredentialState();
        today.Issue("first", T0);
        today.Revoke(T0.AddHours(1));
        today.Issue("second", T0.AddHours(2));
        today.Revoke(T0.AddHours(3));
        var issued = new DeviceCredentialState();
        issued.Issue("only", T0);

        SameBytes(new EarlierDeviceCredentialState { Version = 2, IssuedAt = T0.AddHours(2), RevokedAt = T0.AddHours(3) }, today);
        SameBytes(new EarlierDeviceCredentialState { Secret = "only", Version = 1, IssuedAt = T0 }, issued);
        var read = Storage.Deserialize<DeviceCredentialState>(Storage.Serialize(new EarlierDeviceCredentialState { Secret = "only", Version = 1, IssuedAt = T0 }))!;
        Assert.True(read.Verify("only"));
        Assert.Equal(1, read.Version);
    }

    [Fact]
    public void The_people_book_and_an_invite_code_store_as_before()
    {
        var book = new CompoundPeopleState();
        book.Keep(PeopleBook.Empty, T0);
        SameBytes(new EarlierCompoundPeopleState { Book = PeopleBook.Empty }, book);

        var code = new InviteCodeState();
        code.Claim("c1");
        SameBytes(new EarlierInviteCodeState { CompoundId = "c1" }, code);
        Assert.False(Storage.Deserialize<InviteCodeState>(Storage.Serialize(new EarlierInviteCodeState { CompoundId = "c1" }))!.Claim("c2"));
    }

    [Fact]
    public void A_simulation_run_stores_as_before()
    {
        var today = new SimulationRunState();
        today.Queue(new SimulationRunSummary(
            "c1", "r1", "s1", 2, "More EV spaces", 7, 5, new SimulationDemandSettings("synthetic"),
            SimulationRunStatus.Queued, "committee01", T0, null, 0, 0, "a note"));
        today.Progressed(3, 0.4);
        today.Cancel("r1", "committee02", T0.AddMinutes(1));

        SameBytes(new EarlierSimulationRunState { Summary = today.Summary }, today);
        var read = Storage.Deserialize<SimulationRunState>(Storage.Serialize(new EarlierSimulationRunState { Summary = today.Summary }))!;
        Assert.Equal(today.Summary, read.Summary);
        Assert.False(read.Cancel("r1", "committee03", T0.AddMinutes(2)).Value);
    }
}

/// <summary><c>Parking.Grains.Charging.ChargerState</c> as it was.</summary>
[GenerateSerializer]
public sealed class EarlierChargerState
{
    [Id(0)]
    public string? AreaId { get; set; }

    [Id(1)]
    public ChargerSnapshot? Charger { get; set; }

    [Id(2)]
    public string? SessionRequestId { get; set; }
}

/// <summary><c>Parking.Grains.Devices.DeviceCredentialState</c> as it was.</summary>
[GenerateSerializer]
public sealed class EarlierDeviceCredentialState
{
    [Id(0)]
    public string? Secret { get; set; }

    [Id(1)]
    public int Version { get; set; }

    [Id(2)]
    public DateTimeOffset? IssuedAt { get; set; }

    [Id(3)]
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary><c>Parking.Grains.Membership.CompoundPeopleState</c> as it was.</summary>
[GenerateSerializer]
public sealed class EarlierCompoundPeopleState
{
    [Id(0)]
    public PeopleBook Book { get; set; } = PeopleBook.Empty;
}

/// <summary><c>Parking.Grains.Membership.InviteCodeState</c> as it was.</summary>
[GenerateSerializer]
public sealed class EarlierInviteCodeState
{
    [Id(0)]
    public string? CompoundId { get; set; }
}

/// <summary><c>Parking.Grains.Scenarios.SimulationRunState</c> as it was (a run's result is checked by <c>EarlierSimulationRunStateTests</c>).</summary>
[GenerateSerializer]
public sealed class EarlierSimulationRunState
{
    [Id(0)]
    public SimulationRunSummary? Summary { get; set; }

    [Id(1)]
    public Parking.Domain.Simulation.SimulationResult? Result { get; set; }
}
