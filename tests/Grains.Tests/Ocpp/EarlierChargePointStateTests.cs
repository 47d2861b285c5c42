using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Parking.Domain.Charging;
using Parking.Domain.Ocpp;
using Parking.Grains.Ocpp;
using Xunit;

namespace Parking.Grains.Tests.Ocpp;

/// <summary>
/// A charge point's state as builds before <see cref="ChargePointSessions"/> stored it, its transactions, readings,
/// issued idTags and over-draw count flat in the state (ids 9, 10, 15-17, 20, 21). The bytes are what main at
/// ec80c11 (4 December 2026) wrote through the storage serializer for a charge point of vendor Acme, rate unit A,
/// with a closed transaction 6 (bob's card), an open transaction 7 (issued idTag PTAG for request req-1, resident
/// ann) with two readings, an over-draw flagged after a streak of 1, one answered heartbeat and one accepted command.
/// </summary>
public sealed class EarlierChargePointStateTests
{
    private const string Stored = "IMABwQHBAUEJQWNtZcEBwQHBAUERQ2hhcmdpbmfBAQEdIQAFIegAGUENQ0FSRC0xwQEhgADIA3PDUd8IgQAAAAAAAAAA4AFCHwECfSGAADDI1MtR3wiBAAAAAAAAAADgQQtMb2NhbEEHYm9i4CDoAB1BCVBUQUdBC3JlcS0xIYAAAFGY3FHfCIEAAAAAAAAAAOABQpwBIsvBAcEBQQdhbm7g4CEAAyHoQAVtMUETSGVhcnRiZWF0QQVmMTEBAUT1F2FQYXJraW5nLkRvbWFpbi5PY3BwLkVtcHR5UmVzcG9uc2UsUGFya2luZy5Eb21haW7o6Ojg4OAhAAMh6EAFYzFBHVRyaWdnZXJNZXNzYWdlQQV7fUETcmVjb25uZWN0IYAAAFGY3FHfCIEAAAAAAAAAAOAJAwlBK3sic3RhdHVzIjoiQWNjZXB0ZWQifcEBIYAAAFGY3FHfCIEAAAAAAAAAAODg4MEBAQMBBQEDITABMSzULh1TdHJpbmdDb21wYXJlcgADAQHgAQPBPcA/4MEBwQEhAQMBHSAABSEggAAAUZjcUd8IgQAAAAAAAAAA4AFCnOjgICCAABrCsN5R3wiBAAAAAAAAAADgASLL6ODg4CE4BQADAQHgAQPBPcBP4EEDQQEB4A==";

    private static readonly StoredStateSerializer Storage = new(new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(StoredStateSerializer).Assembly))
        .AddEarlierTypeNames()
        .BuildServiceProvider()
        .GetRequiredService<Serializer>());

    private static readonly DateTimeOffset At = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void State_stored_with_the_sessions_flat_loads_into_the_sessions_object_and_writes_back_in_todays_layout()
    {
        var state = Storage.Deserialize<ChargePointState>(new BinaryData(Convert.FromBase64String(Stored)))!;

        AssertLoaded(state);
        var again = Storage.Deserialize<ChargePointState>(Storage.Serialize(state))!;
        AssertLoaded(again);
    }

    [Fact]
    public void State_loaded_from_the_earlier_layout_goes_on_numbering_and_authorizing_where_it_left_off()
    {
        var sessions = Storage.Deserialize<ChargePointState>(new BinaryData(Convert.FromBase64String(Stored)))!.Sessions;

        Assert.Equal(new IdTagAuthorization(IdTagAuthorization.Accepted, "ann"), sessions.AuthorizeKnown("PTAG", retired: false));
        var (stopped, fault) = sessions.Stop(new StopTransactionRequest(7, 7_000, At.AddMinutes(30), null, null, null), At.AddMinutes(30));
        Assert.Null(fault);
        Assert.Equal([5_000L, 6_500, 7_000], stopped!.Readings.Select(r => r.RegisterWh));
        Assert.Equal(8, sessions.Start(new StartTransactionRequest(1, "CARD-1", 7_000, At.AddHours(1), null), new IdTagAuthorization(IdTagAuthorization.Accepted, "bob"), null).TransactionId);
    }

    private static void AssertLoaded(ChargePointState state)
    {
        var sessions = state.Sessions;
        Assert.Equal(("Acme", "Charging", "A"), (state.Vendor, state.ConnectorStatus, state.RateUnit));
        Assert.Equal(7, sessions.LastTransactionId);
        Assert.Equal([6, 7], sessions.Sessions.Select(s => s.TransactionId));
        Assert.Equal(("bob", "Local", 3.0), (sessions.Sessions[0].ResidentId, sessions.Sessions[0].StopReason, sessions.Sessions[0].EnergyKwh));
        Assert.Equal(("req-1", "ann", 6_500L), (sessions.LatestOpen!.RequestId, sessions.LatestOpen.ResidentId, sessions.LatestOpen.LastMeterWh));
        Assert.Equal([new MeterReading(At, 5_000), new MeterReading(At.AddMinutes(15), 6_500)], sessions.Readings[7]);
        Assert.Equal("req-1", sessions.IssuedIdTags["PTAG"]);
        Assert.Equal("ann", sessions.IdTagResidents["PTAG"]);
        Assert.Equal((1, true), (sessions.OverdrawStreak, sessions.Overdrawing));
        Assert.Equal("Heartbeat", Assert.Single(state.Handled).Action);
        Assert.IsType<EmptyResponse>(state.HandledAs("m1")!.Response);
        Assert.Equal(OcppCommandStatus.Accepted, Assert.Single(state.Commands).Status);
    }
}
