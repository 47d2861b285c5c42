using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.TypeSystem;

namespace Parking.Grains;

/// <summary>
/// Types that were renamed or moved since an earlier build stored them. The serializer writes a type's name
/// into stored state wherever the value's type is not the field's declared one (a list behind an
/// <c>IReadOnlyList&lt;T&gt;</c>, an empty array), so state stored before the move names a type that no
/// longer exists. Reading maps such a name onto today's type (the field ids of both are the same); nothing is
/// written under an old name. <c>tests/Grains.Tests/EarlierStoredStateTests.cs</c> reads bytes an earlier build wrote.
/// </summary>
public sealed partial class EarlierTypeNames(TypeResolver resolver) : ITypeConverter, ITypeNameFilter
{
    /// <summary>Earlier full name (in Parking.Grains or Parking.Planning) → today's full name and assembly.</summary>
    private static readonly Dictionary<string, (string Type, string Assembly)> Moved = new(StringComparer.Ordinal)
    {
        // The rebalancing grain stored copies of the optimizer's records; it stores the records themselves now,
        // which moved from Planning into Domain (the API reads them without Planning).
        ["Parking.Grains.Rebalancing.RetypeRationale"] = ("Parking.Domain.Rebalancing.SuggestedRetype", "Parking.Domain"),
        ["Parking.Grains.Rebalancing.SharingRationale"] = ("Parking.Domain.Rebalancing.SuggestedSharing", "Parking.Domain"),
        ["Parking.Grains.Rebalancing.ModelFigures"] = ("Parking.Domain.Rebalancing.RebalancingFigures", "Parking.Domain"),
        ["Parking.Grains.Rebalancing.NeedFigure"] = ("Parking.Domain.Rebalancing.NeedFigures", "Parking.Domain"),
        ["Parking.Grains.Rebalancing.UnservedFigure"] = ("Parking.Domain.Rebalancing.BuildingUnserved", "Parking.Domain"),
        ["Parking.Planning.Rebalancing.SuggestedRetype"] = ("Parking.Domain.Rebalancing.SuggestedRetype", "Parking.Domain"),
        ["Parking.Planning.Rebalancing.SuggestedSharing"] = ("Parking.Domain.Rebalancing.SuggestedSharing", "Parking.Domain"),
        ["Parking.Planning.Rebalancing.RebalancingFigures"] = ("Parking.Domain.Rebalancing.RebalancingFigures", "Parking.Domain"),
        ["Parking.Planning.Rebalancing.NeedFigures"] = ("Parking.Domain.Rebalancing.NeedFigures", "Parking.Domain"),
        ["Parking.Planning.Rebalancing.BuildingUnserved"] = ("Parking.Domain.Rebalancing.BuildingUnserved", "Parking.Domain"),
        ["Parking.Planning.Rebalancing.Need"] = ("Parking.Domain.Rebalancing.Need", "Parking.Domain"),
        ["Parking.Planning.Rebalancing.RebalancingSolveStatus"] = ("Parking.Domain.Rebalancing.RebalancingSolveStatus", "Parking.Domain"),

        // A round's figures moved from Planning into Domain with them.
        ["Parking.Planning.Sharing.SharingMetrics"] = ("Parking.Domain.Sharing.SharingMetrics", "Parking.Domain"),

        // A rebalancing proposal is called a suggestion (an owners' vote is the proposal); it moved into Domain with
        // the state that keeps it.
        ["Parking.Grains.Rebalancing.RebalancingProposalRecord"] = ("Parking.Domain.Rebalancing.RebalancingSuggestion", "Parking.Domain"),

        // Grain states that hold rules became Domain objects, with the records they keep (same fields, same ids).
        ["Parking.Grains.Residents.ResidentState"] = ("Parking.Domain.Residents.ResidentState", "Parking.Domain"),
        ["Parking.Grains.Residents.IdempotencyRecord"] = ("Parking.Domain.Residents.IdempotencyRecord", "Parking.Domain"),
        ["Parking.Grains.Gates.GateState"] = ("Parking.Domain.Gates.GateState", "Parking.Domain"),
        ["Parking.Grains.Gates.GateReviewState"] = ("Parking.Domain.Gates.GateReviewState", "Parking.Domain"),
        ["Parking.Grains.Gates.GateReview"] = ("Parking.Domain.Gates.GateReview", "Parking.Domain"),
        ["Parking.Grains.Scenarios.ScenarioCatalogState"] = ("Parking.Domain.Scenarios.ScenarioCatalogState", "Parking.Domain"),
        ["Parking.Grains.Scenarios.ScenarioSummary"] = ("Parking.Domain.Scenarios.ScenarioSummary", "Parking.Domain"),
        ["Parking.Grains.Scenarios.SimulationRunSummary"] = ("Parking.Domain.Scenarios.SimulationRunSummary", "Parking.Domain"),
        ["Parking.Grains.Scenarios.SimulationRunStatus"] = ("Parking.Domain.Scenarios.SimulationRunStatus", "Parking.Domain"),
        ["Parking.Grains.Scenarios.SimulationDemandSettings"] = ("Parking.Domain.Scenarios.SimulationDemandSettings", "Parking.Domain"),
        ["Parking.Grains.Rebalancing.RebalancingState"] = ("Parking.Domain.Rebalancing.RebalancingState", "Parking.Domain"),
        ["Parking.Grains.Rebalancing.RebalancingSuggestion"] = ("Parking.Domain.Rebalancing.RebalancingSuggestion", "Parking.Domain"),
        ["Parking.Grains.Rebalancing.SimulatedEffect"] = ("Parking.Domain.Rebalancing.SimulatedEffect", "Parking.Domain"),
        ["Parking.Grains.Rebalancing.SimulatedFigures"] = ("Parking.Domain.Rebalancing.SimulatedFigures", "Parking.Domain"),
        ["Parking.Grains.Rounds.RoundState"] = ("Parking.Domain.Rounds.RoundState", "Parking.Domain"),
        ["Parking.Grains.Rounds.RoundReport"] = ("Parking.Domain.Rounds.RoundReport", "Parking.Domain"),
        ["Parking.Grains.Rounds.RoundRequestResult"] = ("Parking.Domain.Rounds.RoundRequestResult", "Parking.Domain"),
        ["Parking.Grains.Rounds.OpenRound"] = ("Parking.Domain.Rounds.OpenRound", "Parking.Domain"),
        ["Parking.Grains.Notices.NoShowWatchState"] = ("Parking.Domain.Reservations.NoShowWatchState", "Parking.Domain"),
        ["Parking.Grains.Notices.WebhookRelayState"] = ("Parking.Domain.Notices.WebhookRelayState", "Parking.Domain"),
        ["Parking.Grains.Notices.WebhookTarget"] = ("Parking.Domain.Notices.WebhookTarget", "Parking.Domain"),
        ["Parking.Grains.Notices.WebhookDelivery"] = ("Parking.Domain.Notices.WebhookDelivery", "Parking.Domain"),
        ["Parking.Grains.Notices.WebhookSettings"] = ("Parking.Domain.Notices.WebhookSettings", "Parking.Domain"),
        ["Parking.Grains.Sharing.VisitorPassState"] = ("Parking.Domain.Sharing.VisitorPassState", "Parking.Domain"),
        ["Parking.Grains.VisitorPass"] = ("Parking.Domain.Sharing.VisitorPass", "Parking.Domain"),
        ["Parking.Grains.Voting.ProposalIndexState"] = ("Parking.Domain.Voting.ProposalIndexState", "Parking.Domain"),
        ["Parking.Grains.Membership.HistoryRetentionState"] = ("Parking.Domain.Membership.HistoryRetentionState", "Parking.Domain"),
        ["Parking.Grains.Membership.CompoundRosterState"] = ("Parking.Domain.Membership.CompoundRosterState", "Parking.Domain"),
        ["Parking.Grains.Membership.RosterEntry"] = ("Parking.Domain.Membership.RosterEntry", "Parking.Domain"),
        ["Parking.Grains.Membership.ResidentEntry"] = ("Parking.Domain.Membership.ResidentEntry", "Parking.Domain"),
        ["Parking.Grains.Ocpp.ChargingCardsState"] = ("Parking.Domain.Ocpp.ChargingCardsState", "Parking.Domain"),
        ["Parking.Grains.Ocpp.ChargingCard"] = ("Parking.Domain.Ocpp.ChargingCard", "Parking.Domain"),
        ["Parking.Grains.Compounds.CompoundState"] = ("Parking.Domain.Compounds.CompoundState", "Parking.Domain"),
        ["Parking.Grains.Compounds.UnfinishedApply"] = ("Parking.Domain.Compounds.UnfinishedApply", "Parking.Domain"),
        ["Parking.Grains.ApplyStart"] = ("Parking.Domain.Compounds.ApplyStart", "Parking.Domain"),
        ["Parking.Grains.Charging.ChargerState"] = ("Parking.Domain.Charging.ChargerState", "Parking.Domain"),
        ["Parking.Grains.Devices.DeviceCredentialState"] = ("Parking.Domain.Devices.DeviceCredentialState", "Parking.Domain"),
        ["Parking.Grains.Membership.CompoundPeopleState"] = ("Parking.Domain.Membership.CompoundPeopleState", "Parking.Domain"),
        ["Parking.Grains.Membership.InviteCodeState"] = ("Parking.Domain.Membership.InviteCodeState", "Parking.Domain"),
        ["Parking.Grains.Scenarios.SimulationRunState"] = ("Parking.Domain.Scenarios.SimulationRunState", "Parking.Domain"),
        ["Parking.Grains.Scenarios.ScenarioState"] = ("Parking.Domain.Scenarios.ScenarioState", "Parking.Domain"),
        ["Parking.Grains.Scenarios.ScenarioVersion"] = ("Parking.Domain.Scenarios.ScenarioVersion", "Parking.Domain"),

        // A simulation's result moved from Planning into Domain, so that the API reads it without Planning.
        ["Parking.Planning.Simulation.ReasonCount"] = ("Parking.Domain.Simulation.ReasonCount", "Parking.Domain"),
        ["Parking.Planning.Simulation.WaitHistogram"] = ("Parking.Domain.Simulation.WaitHistogram", "Parking.Domain"),
        ["Parking.Planning.Simulation.ParkingOutcome"] = ("Parking.Domain.Simulation.ParkingOutcome", "Parking.Domain"),
        ["Parking.Planning.Simulation.AreaOutcome"] = ("Parking.Domain.Simulation.AreaOutcome", "Parking.Domain"),
        ["Parking.Planning.Simulation.ChargingOutcome"] = ("Parking.Domain.Simulation.ChargingOutcome", "Parking.Domain"),
        ["Parking.Planning.Simulation.ShelterOutcome"] = ("Parking.Domain.Simulation.ShelterOutcome", "Parking.Domain"),
        ["Parking.Planning.Simulation.EbikeOutcome"] = ("Parking.Domain.Simulation.EbikeOutcome", "Parking.Domain"),
        ["Parking.Planning.Simulation.CreditOutcome"] = ("Parking.Domain.Simulation.CreditOutcome", "Parking.Domain"),
        ["Parking.Planning.Simulation.BuildingOutcome"] = ("Parking.Domain.Simulation.BuildingOutcome", "Parking.Domain"),
        ["Parking.Planning.Simulation.SimulationCharts"] = ("Parking.Domain.Simulation.SimulationCharts", "Parking.Domain"),
        ["Parking.Planning.Simulation.SimulationResult"] = ("Parking.Domain.Simulation.SimulationResult", "Parking.Domain"),
    };

    public bool TryFormat(Type type, out string formatted)
    {
        formatted = default!;
        return false;
    }

    public bool TryParse(string formatted, out Type type)
    {
        var renamed = EarlierName().Replace(formatted, m => Moved.TryGetValue(m.Groups["type"].Value, out var today)
            ? $"{today.Type}{m.Groups["array"].Value},{today.Assembly}"
            : m.Value);
        if (string.Equals(renamed, formatted, StringComparison.Ordinal))
        {
            type = default!;
            return false;
        }

        return resolver.TryResolveType(renamed, out type!);
    }

    /// <summary>Lets the serializer read the earlier names at all (they are not known types any more).</summary>
    public bool? IsTypeNameAllowed(string typeName, string assemblyName) =>
        assemblyName is "Parking.Grains" or "Parking.Planning" && Moved.ContainsKey(typeName.TrimEnd('[', ']')) ? true : null;

    [GeneratedRegex(@"(?<type>Parking\.(Grains|Planning)\.[A-Za-z.]+?)(?<array>(\[\])*),Parking\.(Grains|Planning)(?=[\],]|$)")]
    private static partial Regex EarlierName();
}

public static class EarlierTypeNamesRegistration
{
    /// <summary>Reads stored state that names types as an earlier build did (see <see cref="EarlierTypeNames"/>).</summary>
    public static IServiceCollection AddEarlierTypeNames(this IServiceCollection services)
    {
        services.AddSingleton<EarlierTypeNames>();
        services.AddSingleton<ITypeConverter>(sp => sp.GetRequiredService<EarlierTypeNames>());
        services.AddSingleton<ITypeNameFilter>(sp => sp.GetRequiredService<EarlierTypeNames>());
        return services;
    }
}
