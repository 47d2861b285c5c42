using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Parking.Domain.Charging;
using Xunit;

namespace Parking.Grains.Tests.Charging;

/// <summary>
/// A charging area's snapshot as builds before the objective order was stored as the enum kept it: the order's wire
/// name (id 8). The bytes are what main at dfc6299 (4 December 2026) wrote through the storage serializer for an
/// otherwise empty area of compound <c>demo</c>, version 7, under each name it knew and one it did not (which it
/// planned least share first), with a minimum need of 8 kWh for minimum-need-first.
/// </summary>
public sealed class EarlierObjectiveOrderTests
{
    public static TheoryData<string, string, ChargingObjectiveOrder, double?> Stored() => new()
    {
        { "minimum-need-first", "IMABwQEh4CEwATEs1C4dU3RyaW5nQ29tcGFyZXIAAwEB4ODBAQEdQQlkZW1v6McPAUElbWluaW11bS1uZWVkLWZpcnN0gQAAAAAAACBA4A==", ChargingObjectiveOrder.MinimumNeedFirst, 8 },
        { "fully-served-first", "IMABwQEh4CEwATEs1C4dU3RyaW5nQ29tcGFyZXIAAwEB4ODBAQEdQQlkZW1v6McPAUElZnVsbHktc2VydmVkLWZpcnN0wQHg", ChargingObjectiveOrder.FullyServedFirst, null },
        { "least-share-first", "IMABwQEh4CEwATEs1C4dU3RyaW5nQ29tcGFyZXIAAwEB4ODBAQEdQQlkZW1v6McPAUEjbGVhc3Qtc2hhcmUtZmlyc3TBAeA=", ChargingObjectiveOrder.LeastShareFirst, null },
        { "most-cars-first", "IMABwQEh4CEwATEs1C4dU3RyaW5nQ29tcGFyZXIAAwEB4ODBAQEdQQlkZW1v6McPAUEfbW9zdC1jYXJzLWZpcnN0wQHg", ChargingObjectiveOrder.LeastShareFirst, null },
    };

    private static readonly StoredStateSerializer Storage = new(new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(StoredStateSerializer).Assembly))
        .AddEarlierTypeNames()
        .BuildServiceProvider()
        .GetRequiredService<Serializer>());

    [Theory]
    [MemberData(nameof(Stored))]
    public void An_area_stored_with_the_orders_name_loads_with_the_order_and_writes_it_back_as_the_enum(
        string name, string base64, ChargingObjectiveOrder order, double? minimumNeedKwh)
    {
        var book = ChargingAreaBook.Restore(Storage.Deserialize<ChargingAreaSnapshot>(new BinaryData(Convert.FromBase64String(base64)))!, "demo");

        Assert.Equal((order, minimumNeedKwh), (book.ObjectiveOrder, book.MinimumNeedKwh));
        Assert.Equal((7L, "demo"), (book.Version, book.CompoundId));

        var written = Storage.Serialize(book.Snapshot());
        Assert.DoesNotContain(name, Encoding.UTF8.GetString(written.ToArray()), StringComparison.Ordinal);
        var again = Storage.Deserialize<ChargingAreaSnapshot>(written)!;
        Assert.Equal((order, minimumNeedKwh), (again.ObjectiveOrder, again.MinimumNeedKwh));
        Assert.Equal(order, ChargingAreaBook.Restore(again, "demo").ObjectiveOrder);
    }

    [Fact]
    public void An_area_stored_with_no_order_plans_least_share_first()
    {
        var snapshot = Storage.Deserialize<ChargingAreaSnapshot>(Storage.Serialize(new ChargingAreaSnapshot()))!;

        Assert.Null(snapshot.ObjectiveOrder);
        Assert.Equal(ChargingObjectiveOrder.LeastShareFirst, ChargingAreaBook.Restore(snapshot, "demo").ObjectiveOrder);
    }

    /// <summary>
    /// The chargers' recent reports (id 11) came later than these bytes: such a state loads with none kept, and one
    /// written now carries them through the storage serializer.
    /// </summary>
    [Fact]
    public void An_area_stored_before_the_recent_reports_were_kept_loads_with_none_and_they_are_written_now()
    {
        var earlier = Storage.Deserialize<ChargingAreaSnapshot>(new BinaryData(Convert.FromBase64String((string)Stored().First()[1])))!;
        Assert.Null(earlier.Readings);
        Assert.Empty(ChargingAreaBook.Restore(earlier, "demo").RecentReadings("C-1"));

        var at = new DateTimeOffset(2026, 12, 6, 6, 0, 0, TimeSpan.Zero);
        var report = new ChargerSnapshot("C-1", "G1-001", 7, ChargerStatus.Charging, 3, 100, at);
        var snapshot = new ChargingAreaSnapshot { Readings = new() { ["C-1"] = [report, report with { PowerKw = 7, ReportedAt = at.AddMinutes(1) }] } };
        var again = ChargingAreaBook.Restore(Storage.Deserialize<ChargingAreaSnapshot>(Storage.Serialize(snapshot))!, "demo");
        Assert.Equal([3.0, 7], again.RecentReadings("C-1").Select(r => r.PowerKw));
        Assert.Equal(at.AddMinutes(1), again.RecentReadings("C-1")[1].ReportedAt);
    }

    /// <summary>
    /// When each car behind last asked for a re-plan (id 12) came later still: the earlier bytes load with none, and
    /// the record written now comes back through the storage serializer.
    /// </summary>
    [Fact]
    public void An_area_stored_before_the_re_plan_spacing_was_kept_loads_with_none_and_it_is_written_now()
    {
        var earlier = Storage.Deserialize<ChargingAreaSnapshot>(new BinaryData(Convert.FromBase64String((string)Stored().First()[1])))!;
        Assert.Null(earlier.BehindReplannedAt);
        Assert.Null(ChargingAreaBook.Restore(earlier, "demo").Snapshot().BehindReplannedAt);

        var at = new DateTimeOffset(2026, 12, 6, 6, 0, 0, TimeSpan.Zero);
        var snapshot = new ChargingAreaSnapshot { BehindReplannedAt = new() { ["CR-1"] = at } };
        var again = ChargingAreaBook.Restore(Storage.Deserialize<ChargingAreaSnapshot>(Storage.Serialize(snapshot))!, "demo");
        Assert.Equal(at, again.Snapshot().BehindReplannedAt!["CR-1"]);
    }
}
