using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Parking.Domain.Gates;
using Parking.Grains.Gates;
using Xunit;

namespace Parking.Grains.Tests.Gates;

/// <summary>
/// The gate grains' state as the build of 4 December 2026 (main at 687ab56) stored it, with each decision's reason
/// as its kebab-case word. The bytes are what that build's storage serializer wrote: a gate that decided one event
/// for every reason, and a staff list with an open and a resolved entry. They load with the reasons as the enum.
/// </summary>
public sealed class EarlierGateStateTests
{
    private const string Gate =
        "ICAwATEs1C4dU3RyaW5nQ29tcGFyZXIAAwEB4AEXQQdlLTAgQAdlLTBBC25vcnRoAQNBFWNoZWNrZWQtaW5BC3Jlcy0xQQ1HMS0wMDEB" +
        "ASGAACjy66FR3wiBAAAAAAAAAADg6OBAB2UtMSBAB2UtMcEVAQFBF2NoZWNrZWQtb3V0wQHBAQEBIYAAbrUPolHfCIEAAAAAAAAAAODo" +
        "4EAHZS0yIEAHZS0ywRUBA0EZdmlzaXRvci1wYXNzwQHBAQEBIYAAtHgzolHfCIEAAAAAAAAAAODo4EAHZS0zIEAHZS0zwRUBAUEbaG91" +
        "c2Vob2xkLWNhcsEBwQEBASGAAPo7V6JR3wiBAAAAAAAAAADg6OBAB2UtNCBAB2UtNMEVAQNBGXJlc2lkZW50LWNhcsEBwQEBASGAAED/" +
        "eqJR3wiBAAAAAAAAAADg6OBAB2UtNSBAB2UtNcEVAQFBCWV4aXTBAcEBAQEhgACGwp6iUd8IgQAAAAAAAAAA4OjgQAdlLTYgQAdlLTbB" +
        "FQEDQRt1bmtub3duLXBsYXRlwQHBAQEDIYAAzIXColHfCIEAAAAAAAAAAODo4EAHZS03IEAHZS03wRUBAUEdbG93LWNvbmZpZGVuY2XB" +
        "AcEBAQMhgAASSeaiUd8IgQAAAAAAAAAA4OjgQAdlLTggQAdlLTjBFQEDQTFuby1yZXNlcnZhdGlvbi1sb3RzLWZ1bGzBAcEBAQMhgABY" +
        "DAqjUd8IgQAAAAAAAAAA4OjgQAdlLTkgQAdlLTnBFQEBQSFjaGVjay1pbi1yZWZ1c2VkwQHBAQEDIYAAns8to1HfCIEAAAAAAAAAAODo" +
        "4EAJZS0xMCBACWUtMTDBFQEDQSNjaGVjay1vdXQtcmVmdXNlZMEBwQEBAyGAAOSSUaNR3wiBAAAAAAAAAADg6ODg4A==";

    private const string Reviews =
        "ICAABSHoQAtub3J0aCFAB2UtNgkDAUET5rKqQTEyMzQ1CQMBgWZmZmZmZu4/IYAAKPLroVHfCIEAAAAAAAAAAOBBC3BpYy8x6OAhQAdl" +
        "LTbBCwEDQRt1bmtub3duLXBsYXRlwQHBAQEDIYAAzIXColHfCIEAAAAAAAAAAODo4MEBwQHBAeAg6EAJZWFzdCFAB2UtOAkDBUET5rKq" +
        "QjEyMzQ1CQMJgQAAAAAAAOA/IYAAKPLroVHfCIEAAAAAAAAAAODBAejgIUAHZS04wQsBA0Exbm8tcmVzZXJ2YXRpb24tbG90cy1mdWxs" +
        "wQHBAQEDIYAAWAwKo1HfCIEAAAAAAAAAAODo4EEPc3RhZmYwMQEDIYAA+jtXolHfCIEAAAAAAAAAAODg4OA=";

    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(StoredStateSerializer).Assembly))
        .AddEarlierTypeNames()
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private static readonly DateTimeOffset At = new(2026, 12, 4, 1, 0, 0, TimeSpan.Zero);

    private static T Read<T>(string base64) =>
        new StoredStateSerializer(Serializer).Deserialize<T>(new BinaryData(Convert.FromBase64String(base64)))!;

    [Fact]
    public void Decisions_stored_with_reason_words_load_with_every_reason_and_field()
    {
        var state = Read<GateState>(Gate);

        Assert.Equal(Enum.GetValues<GateReason>(), Enumerable.Range(0, 11).Select(i => state.Decisions[$"e-{i}"].Reason));
        var first = state.Decisions["e-0"];
        Assert.Equal(("e-0", "north", true, "res-1", "G1-001", false, At), (first.EventId, first.GateId, first.Open, first.ReservationId, first.SpaceId, first.Review, first.DecidedAt));
        Assert.Equal((false, true, At.AddMinutes(7)), (state.Decisions["e-7"].Open, state.Decisions["e-7"].Review, state.Decisions["e-7"].DecidedAt));
    }

    [Fact]
    public void The_staff_list_stored_with_reason_words_loads()
    {
        var state = Read<GateReviewState>(Reviews);

        Assert.Equal([GateReason.UnknownPlate, GateReason.NoReservationLotsFull], state.Reviews.Select(r => r.Decision.Reason));
        Assert.Equal(("沪A12345", GateDirection.In, PlateColour.Blue, "pic/1", null), (state.Reviews[0].Event.Plate, state.Reviews[0].Event.Direction, state.Reviews[0].Event.Colour, state.Reviews[0].Event.Picture, state.Reviews[0].ResolvedBy));
        Assert.Equal(("east", "staff01", true, At.AddMinutes(3)), (state.Reviews[1].GateId, state.Reviews[1].ResolvedBy, state.Reviews[1].ResolvedOpen, state.Reviews[1].ResolvedAt));
    }

    [Fact]
    public void Loaded_decisions_store_and_load_again_and_a_new_one_is_stored_without_the_word()
    {
        var state = Read<GateState>(Gate);
        state.Decided(new GateDecision("e-new", "north", true, GateReason.ResidentCar, null, null, false, At.AddHours(1)), DateTimeOffset.MinValue);

        var bytes = new StoredStateSerializer(Serializer).Serialize(state);
        var again = new StoredStateSerializer(Serializer).Deserialize<GateState>(bytes)!;

        Assert.Equal(state.Decisions.Values.Select(d => (d.EventId, d.Reason, d.Open)), again.Decisions.Values.Select(d => (d.EventId, d.Reason, d.Open)));
        var only = new GateState();
        only.Decided(state.Decisions["e-new"], DateTimeOffset.MinValue);
        var fresh = new StoredStateSerializer(Serializer).Serialize(only);
        Assert.DoesNotContain("resident-car", Encoding.UTF8.GetString(fresh.ToArray()), StringComparison.Ordinal);
    }
}
