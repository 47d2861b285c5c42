using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Parking.Domain.Layout;
using Parking.Domain.Rounds;
using Parking.Grains.Rounds;
using Xunit;

namespace Parking.Grains.Tests.Rounds;

/// <summary>
/// The round grain's state as the build of 4 December 2026 (main at 687ab56) stored it, with the entries' origin,
/// the results' status and the report's status as words (<c>round</c>, <c>served</c>, <c>fallback</c>). The bytes are
/// what that build's storage serializer wrote: a book with a request and a waitlist entry and a report with a served
/// and a waitlisted result; and two reports alone, optimal and feasible. They load with the enums.
/// </summary>
public sealed class EarlierRoundStateTests
{
    private const string Rounds =
        "ICAADSEAAyFACXIzLTMBDSFADXIwMDAwMUEHSC0xQQVCM+jgITABBjg4Z5FSZWFkT25seUxpc3RJbnRlcmZhY2VDb2RlY2AxW1tQYXJr" +
        "aW5nLkRvbWFpbi5UaW1lV2luZG93LFBhcmtpbmcuRG9tYWluXV0AAyEggADoWxZrUt8IgQAAAAAAAAAA4CGAALjk2XtS3wiBAAAAAAAA" +
        "AADg6ODgCQMFwRlBE+ayqkExMjM0NejgIYAAKPLroVHfCIEAAAAAAAAAAOBBC3JvdW5k6ODgIQADIUAFdzIBAcETwRshgAAo8uuhUd8I" +
        "gQAAAAAAAAAA4EENZGlyZWN06ODgITABMSzULh1TdHJpbmdDb21wYXJlcgADAQHgAQPBF4AAAAAAAAD4P+ABDeAh6EAFYzEBCSGAACjy" +
        "66FR3wiBAAAAAAAAAADgQQ9zdGFmZjAxQRFmYWxsYmFjayEACQEFgQAAAAAAABBAgQAAAAAAAABAgQAAAAAAACRAgZqZmZmZmck/gQAA" +
        "AAAAAF5AAQUBBYEAAAAAAADwP4EAAAAAAADgP+jgAQWBAAAAAAAAAECBwOHkAAAAAAAxAWMW6zWvUmVhZE9ubHlMaXN0SW50ZXJmYWNl" +
        "Q29kZWNgMVtbUGFya2luZy5HcmFpbnMuUm91bmRzLlJvdW5kUmVxdWVzdFJlc3VsdCxQYXJraW5nLkdyYWluc11dAAUh6CBACXIyLTEB" +
        "CcETwRshgAAo8uuhUd8IgQAAAAAAAAAA4ME76OBBDXNlcnZlZEENRzEtMDAxQQVHMQHCAzEBw9luPk1SZWFkT25seUxpc3RJbnRlcmZh" +
        "Y2VDb2RlY2AxW1tzdHJpbmddXQADQQtyZXMtOeDBAeAg6CBACXIyLTIBCcETwRshgAAo8uuhUd8IgQAAAAAAAAAA4ME76OBBFXdhaXRs" +
        "aXN0ZWTBAcEBAQEpNeBBEW5vLXNwYWNl4ODg4A==";

    private const string Optimal =
        "ICAABSHgIeAhMAExLNQuHVN0cmluZ0NvbXBhcmVyAAMBAeDgAQHgIehABWMxAQkhgAAo8uuhUd8IgQAAAAAAAAAA4EEPc3RhZmYwMUEP" +
        "b3B0aW1hbCEACQEFgQAAAAAAABBAgQAAAAAAAABAgQAAAAAAACRAgZqZmZmZmck/gQAAAAAAAF5AAQUBBYEAAAAAAADwP4EAAAAAAADg" +
        "P+jgAQWBAAAAAAAAAECBwOHkAAAAAAAxAfyq/fhzUGFya2luZy5HcmFpbnMuUm91bmRzLlJvdW5kUmVxdWVzdFJlc3VsdFtdLFBhcmtp" +
        "bmcuR3JhaW5z4ODg";

    private const string Feasible =
        "ICAABSHgIeAhMAExLNQuHVN0cmluZ0NvbXBhcmVyAAMBAeDgAQHgIehABWMxAQkhgAAo8uuhUd8IgQAAAAAAAAAA4EEPc3RhZmYwMUER" +
        "ZmVhc2libGUhAAkBBYEAAAAAAAAQQIEAAAAAAAAAQIEAAAAAAAAkQIGamZmZmZnJP4EAAAAAAABeQAEFAQWBAAAAAAAA8D+BAAAAAAAA" +
        "4D/o4AEFgQAAAAAAAABAgcDh5AAAAAAAMQH8qv34c1BhcmtpbmcuR3JhaW5zLlJvdW5kcy5Sb3VuZFJlcXVlc3RSZXN1bHRbXSxQYXJr" +
        "aW5nLkdyYWluc+Dg4A==";

    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(StoredStateSerializer).Assembly))
        .AddEarlierTypeNames()
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private static readonly DateTimeOffset At = new(2026, 12, 4, 1, 0, 0, TimeSpan.Zero);

    private static RoundState Read(string base64) =>
        new StoredStateSerializer(Serializer).Deserialize<RoundState>(new BinaryData(Convert.FromBase64String(base64)))!;

    [Fact]
    public void A_book_and_report_stored_with_words_load_with_every_field()
    {
        var state = Read(Rounds);

        Assert.Equal(3, state.Book.Round);
        var request = Assert.Single(state.Book.Requests);
        Assert.Equal(("r3-3", 3, RoundEntryOrigin.Round, At), (request.Id, request.Round, request.Origin, request.CreatedAt));
        Assert.Equal(("r00001", "H-1", "B3"), (request.Asker.ResidentId, request.Asker.HouseholdId, request.Asker.BuildingId));
        Assert.Equal((SpaceKind.EV, "B3", "沪A12345", At.AddDays(1)), (request.Ask.Kind, request.Ask.PreferredBuildingId, request.Ask.Plate, request.FirstStart));
        var waiting = Assert.Single(state.Book.Waitlist);
        Assert.Equal(("w2", 0, RoundEntryOrigin.Direct), (waiting.Id, waiting.Round, waiting.Origin));
        Assert.Equal(1.5, state.Book.Weights["H-1"]);

        var report = state.Last!;
        Assert.Equal(("c1", 2, "staff01", RoundSolveStatus.Fallback, 1, 2.0), (report.CompoundId, report.Round, report.StartedBy, report.Status, report.RequestsBooked, report.HoursBooked));
        Assert.Equal((0.5, TimeSpan.FromSeconds(1.5)), (report.Metrics.WorstHouseholdShare, report.SolveTime));
        Assert.Equal([RoundRequestStatus.Served, RoundRequestStatus.Waitlisted], report.Results.Select(r => r.Status));
        Assert.Equal(("G1-001", "G1", 120, "res-9", null), (report.Results[0].SpaceId, report.Results[0].LotId, report.Results[0].WalkMeters, Assert.Single(report.Results[0].ReservationIds), report.Results[0].Reason));
        Assert.Equal(("r2-2", RoundEntryOrigin.Round, "no-space"), (report.Results[1].Request.Id, report.Results[1].Request.Origin, report.Results[1].Reason));
    }

    [Fact]
    public void Reports_stored_as_optimal_and_feasible_load_as_such()
    {
        Assert.Equal(RoundSolveStatus.Optimal, Read(Optimal).Last!.Status);
        Assert.Equal(RoundSolveStatus.Feasible, Read(Feasible).Last!.Status);
    }

    [Fact]
    public void A_loaded_round_stores_and_loads_again_and_the_book_goes_on_numbering()
    {
        var state = Read(Rounds);

        var again = new StoredStateSerializer(Serializer).Deserialize<RoundState>(new StoredStateSerializer(Serializer).Serialize(state))!;

        Assert.Equal(state.Book.Requests.Select(r => (r.Id, r.Origin)), again.Book.Requests.Select(r => (r.Id, r.Origin)));
        Assert.Equal((RoundSolveStatus.Fallback, RoundRequestStatus.Waitlisted), (again.Last!.Status, again.Last.Results[1].Status));
        var next = again.Book.JoinWaitlist(new RoundAsker("r00002", "H-2", null), state.Book.Requests[0].Ask, new RoundPolicy(), new Parking.Domain.Reservations.ReservationPolicy(), At);
        Assert.Equal(("w4", RoundEntryOrigin.Direct), (next.Value!.Id, next.Value.Origin));
    }
}
