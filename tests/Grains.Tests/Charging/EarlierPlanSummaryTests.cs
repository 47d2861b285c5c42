using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Parking.Domain.Charging;
using Xunit;

namespace Parking.Grains.Tests.Charging;

/// <summary>
/// A charging area's snapshot as the build of 4 December 2026 (main at 7d8e5ba) stored it, with the last plan's
/// status as the word the planner's enum printed (<c>Empty</c>, <c>Optimal</c>, <c>Feasible</c>, <c>Fallback</c>).
/// The bytes are what that build's storage serializer wrote for an otherwise empty area of compound <c>demo</c>,
/// version 7, planned by <c>cpsat</c> at 01:00 UTC in 250 ms with 3 turns and 1 request waiting.
/// </summary>
public sealed class EarlierPlanSummaryTests
{
    public static TheoryData<string, AreaPlanStatus> Stored() => new()
    {
        { "IMABwQEh4CHgIUALY3BzYXRBC0VtcHR5IYAAKPLroVHfCIEAAAAAAAAAAOCBoCUmAAAAAAABDQEF6OABHUEJZGVtb+jHDwHBAcEB4A==", AreaPlanStatus.Empty },
        { "IMABwQEh4CHgIUALY3BzYXRBD09wdGltYWwhgAAo8uuhUd8IgQAAAAAAAAAA4IGgJSYAAAAAAAENAQXo4AEdQQlkZW1v6McPAcEBwQHg", AreaPlanStatus.Optimal },
        { "IMABwQEh4CHgIUALY3BzYXRBEUZlYXNpYmxlIYAAKPLroVHfCIEAAAAAAAAAAOCBoCUmAAAAAAABDQEF6OABHUEJZGVtb+jHDwHBAcEB4A==", AreaPlanStatus.Feasible },
        { "IMABwQEh4CHgIUALY3BzYXRBEUZhbGxiYWNrIYAAKPLroVHfCIEAAAAAAAAAAOCBoCUmAAAAAAABDQEF6OABHUEJZGVtb+jHDwHBAcEB4A==", AreaPlanStatus.Fallback },
    };

    private static readonly StoredStateSerializer Storage = new(new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(StoredStateSerializer).Assembly))
        .AddEarlierTypeNames()
        .BuildServiceProvider()
        .GetRequiredService<Serializer>());

    private static readonly DateTimeOffset At = new(2026, 12, 4, 1, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(Stored))]
    public void A_plan_stored_with_its_status_word_loads_with_the_status_and_every_field(string base64, AreaPlanStatus status)
    {
        var snapshot = Storage.Deserialize<ChargingAreaSnapshot>(new BinaryData(Convert.FromBase64String(base64)))!;

        var plan = snapshot.Plan!;
        Assert.Equal(("cpsat", status, At, TimeSpan.FromMilliseconds(250), 3, 1), (plan.Algorithm, plan.Status, plan.PlannedAt, plan.SolveTime, plan.Turns, plan.Waiting));
        Assert.Equal((7L, "demo"), (snapshot.Version, snapshot.CompoundId));
        Assert.Equal(status, ChargingAreaBook.Restore(snapshot, "demo").Plan!.Status);
    }

    [Fact]
    public void A_plan_stored_with_its_number_in_the_records_own_layer_loads()
    {
        // What the build that added the plan's number (97ba965, 4 December 2026) wrote for the same area, plan 42 with
        // the status Fallback: the number in the record's own layer after its positional members.
        const string Numbered = "IMABwQEh4CHgIUALY3BzYXRBEUZhbGxiYWNrIYAAKPLroVHfCIEAAAAAAAAAAOCBoCUmAAAAAAABDQEF6Aap4AEdQQlkZW1v6McPAcEBwQHg";

        var snapshot = Storage.Deserialize<ChargingAreaSnapshot>(new BinaryData(Convert.FromBase64String(Numbered)))!;

        var plan = snapshot.Plan!;
        Assert.Equal(("cpsat", AreaPlanStatus.Fallback, At, 3, 1, 42L), (plan.Algorithm, plan.Status, plan.PlannedAt, plan.Turns, plan.Waiting, plan.Number));
        Assert.Equal((7L, "demo"), (snapshot.Version, snapshot.CompoundId));
        var again = Storage.Deserialize<ChargingAreaSnapshot>(Storage.Serialize(snapshot))!;
        Assert.Equal((AreaPlanStatus.Fallback, 42L), (again.Plan!.Status, again.Plan.Number));
    }

    [Theory]
    [MemberData(nameof(Stored))]
    public void A_plan_written_again_keeps_its_status(string base64, AreaPlanStatus status)
    {
        var loaded = Storage.Deserialize<ChargingAreaSnapshot>(new BinaryData(Convert.FromBase64String(base64)))!;

        var again = Storage.Deserialize<ChargingAreaSnapshot>(Storage.Serialize(loaded))!;

        Assert.Equal(status, again.Plan!.Status);
        Assert.Equal((loaded.Plan!.Algorithm, loaded.Plan.PlannedAt, loaded.Plan.Turns), (again.Plan.Algorithm, again.Plan.PlannedAt, again.Plan.Turns));
    }
}
