using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Parking.Domain.Charging;
using Parking.Domain.Scenarios;
using Xunit;

namespace Parking.Grains.Tests.Scenarios;

/// <summary>
/// A scenario saved before it could set the turns per charging request. The bytes are what main's build of 02:55 UTC,
/// 5 December 2026 (ScenarioRules as last changed on 3 December), wrote through the storage serializer
/// for a definition "Night chargers" whose rules set the planner (in-turn), quiet hours 00:00–06:00 and half the owners
/// sharing. It reads with no number of turns, so a simulation of it plans with the live policy's.
/// </summary>
public sealed class EarlierScenarioRulesTests
{
    private const string Stored = "IEAdTmlnaHQgY2hhcmdlcnNBE2sgYXMgbGl2ZSEwATcYRzBrUGFya2luZy5Eb21haW4uU2NlbmFyaW9zLlNwYWNlQ2hhbmdlW10sUGFya2luZy5Eb21haW7gMQEUwxY5b1BhcmtpbmcuRG9tYWluLlNjZW5hcmlvcy5DaGFyZ2VyQ2hhbmdlW10sUGFya2luZy5Eb21haW7gMQGQQW58b1BhcmtpbmcuRG9tYWluLlNjZW5hcmlvcy5TaGVsdGVyQ2hhbmdlW10sUGFya2luZy5Eb21haW7gMQF8pypLeVBhcmtpbmcuRG9tYWluLlNjZW5hcmlvcy5BcmVhQ2FwYWNpdHlDaGFuZ2VbXSxQYXJraW5nLkRvbWFpbuDo4CHowAHBAcEBwQGBAAAAAAAAAACBAHCaSjIAAABBD2luLXR1cm7BAcEBwQHBAcEBwQHBAcEBgQAAAAAAAOA/wQHBAcEB4Ojg";

    private static readonly StoredStateSerializer Storage = new(new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(StoredStateSerializer).Assembly))
        .AddEarlierTypeNames()
        .BuildServiceProvider()
        .GetRequiredService<Serializer>());

    [Fact]
    public void A_scenario_stored_without_the_rule_reads_with_the_live_number_of_turns()
    {
        var definition = Storage.Deserialize<ScenarioDefinition>(new BinaryData(Convert.FromBase64String(Stored)))!;

        Assert.Equal("Night chargers", definition.Name);
        var rules = definition.Rules;
        Assert.Equal(("in-turn", new TimeOnly(0, 0), new TimeOnly(6, 0), 0.5), (rules.ChargingAlgorithm, rules.QuietHoursFrom, rules.QuietHoursUntil, rules.SharingOwnersShare));
        Assert.Null(rules.MaxTurnsPerRequest);
        Assert.Null(ScenarioRuleChecks.Validate(rules));
        var live = ScenarioPolicies.Defaults() with { Charging = new ChargingPolicy { MaxTurnsPerRequest = 3 } };
        Assert.Equal(3, live.With(rules).Charging.MaxTurnsPerRequest);
    }

    [Fact]
    public void The_rule_survives_storage_once_set()
    {
        var definition = Storage.Deserialize<ScenarioDefinition>(new BinaryData(Convert.FromBase64String(Stored)))!;
        var oneTurn = definition with { Rules = definition.Rules with { MaxTurnsPerRequest = 1 } };

        var again = Storage.Deserialize<ScenarioDefinition>(Storage.Serialize(oneTurn))!;

        Assert.Equal((1, "in-turn"), (again.Rules.MaxTurnsPerRequest, again.Rules.ChargingAlgorithm));
    }
}
