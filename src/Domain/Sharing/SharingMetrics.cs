namespace Parking.Domain.Sharing;

/// <summary>
/// Figures of one round. Fairness is over the households that asked: a household's share is the hours
/// it was served over the hours it asked for; <see cref="JainIndex"/> is 1 when every household got the
/// same share and 1/n when one got everything. A round's report carries them as they are, across grain boundaries.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SharingMetrics(
    [Id(0)] int Requests,
    [Id(1)] int RequestsServed,
    [Id(2)] double HoursRequested,
    [Id(3)] double HoursServed,
    [Id(4)] double SupplyHours,
    [Id(5)] double SupplyUsedShare,
    [Id(6)] double MeanWalkMeters,
    [Id(7)] int Households,
    [Id(8)] int HouseholdsServed,
    [Id(9)] double JainIndex,
    [Id(10)] double WorstHouseholdShare);
