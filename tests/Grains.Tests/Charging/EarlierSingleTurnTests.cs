using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Parking.Domain;
using Parking.Domain.Charging;
using Xunit;

namespace Parking.Grains.Tests.Charging;

/// <summary>
/// A charging area stored before a request could have several turns. The bytes are what main at 5305830 (5 December
/// 2026) wrote through the storage serializer for an area of compound <c>demo</c>, version 7, holding one request
/// scheduled on charger C-1 from 12:00 to 13:00 UTC.
/// </summary>
public sealed class EarlierSingleTurnTests
{
    private const string Stored = "IMABwQEhAAMhQA9DQS0xLnIxQQlkZW1vQQlDQS0xQQVyMUEHUC0xgQAAAAAAACRAISCAAPgH6L5S3wiBAAAAAAAAAADgIYAAaKIy8VLfCIEAAAAAAAAAAODo4AEDIYAA+AfovlLfCIEAAAAAAAAAAOAJAwUhQAdDLTEhIIAAYMxJx1LfCIEAAAAAAAAAAOAhgADIkKvPUt8IgQAAAAAAAAAA4OjgQQ1HMS0wMDHo4MEBwQGBAAAAAAAAAAABAcEBAQnoxyMB4OAhMAExLNQuHVN0cmluZ0NvbXBhcmVyAAMBAeDgwQEBHcER6McPAcEBwQHBAeA=";

    private static readonly DateTimeOffset At = new(2026, 12, 5, 11, 0, 0, TimeSpan.Zero);

    private static readonly StoredStateSerializer Storage = new(new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(StoredStateSerializer).Assembly))
        .AddEarlierTypeNames()
        .BuildServiceProvider()
        .GetRequiredService<Serializer>());

    [Fact]
    public void A_request_stored_with_one_turn_reads_as_one_turn_and_again_after_it_is_written_back()
    {
        var bytes = Convert.FromBase64String(Stored);
        var book = ChargingAreaBook.Restore(Storage.Deserialize<ChargingAreaSnapshot>(new BinaryData(bytes))!, "demo");

        var request = Assert.Single(book.Requests);
        var turn = new ChargingTurn("C-1", new TimeWindow(At.AddHours(1), At.AddHours(2)), "G1-001");
        Assert.Equal([turn], request.Turns);
        Assert.Equal(turn, request.Turn);
        Assert.Empty(request.LaterTurns);
        Assert.Equal((ChargingRequestStatus.Scheduled, 0, 2), (request.Status, request.TurnsDone, request.Revision));

        // Written back (with the new fields, which earlier builds skip as unknown), it still reads as the same request.
        var again = Storage.Deserialize<ChargingAreaSnapshot>(Storage.Serialize(book.Snapshot()))!;
        Assert.Equal(request, Assert.Single(again.Requests));
    }

    [Fact]
    public void A_request_with_two_turns_keeps_both_in_storage()
    {
        var bytes = Convert.FromBase64String(Stored);
        var snapshot = Storage.Deserialize<ChargingAreaSnapshot>(new BinaryData(bytes))!;
        var later = new ChargingTurn("C-2", new TimeWindow(At.AddHours(3), At.AddHours(4)), "G1-002");
        snapshot.Requests[0] = snapshot.Requests[0] with { LaterTurns = [later], TurnsDone = 1 };

        var again = Storage.Deserialize<ChargingAreaSnapshot>(Storage.Serialize(snapshot))!.Requests.Single();

        Assert.Equal([snapshot.Requests[0].Turn!, later], again.Turns);
        Assert.Equal(1, again.TurnsDone);
    }
}
