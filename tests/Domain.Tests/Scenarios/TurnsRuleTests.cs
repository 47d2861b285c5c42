using Parking.Domain.Charging;
using Parking.Domain.Layout;
using Parking.Domain.Scenarios;
using Parking.Domain.Seeding;
using Xunit;

namespace Parking.Domain.Tests.Scenarios;

/// <summary>A scenario's number of turns per charging request: checked, and applied over the live policy only when set.</summary>
public sealed class TurnsRuleTests
{
    private static readonly CompoundLayout Live = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(5)]
    public void A_number_of_turns_outside_1_to_4_is_refused_naming_the_field(int turns)
    {
        var outcome = ScenarioChecks.Validate(Live, new ScenarioDefinition("x", "d", LayoutChanges.None, new ScenarioRules { MaxTurnsPerRequest = turns }));

        Assert.Equal(("rules.maxTurnsPerRequest", "rule-out-of-range"), (outcome.Error!.Field, outcome.Error.Code));
        Assert.Contains("between 1 and 4 turns", outcome.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void A_number_of_turns_from_1_to_4_is_accepted_and_replaces_the_live_one(int turns)
    {
        var rules = new ScenarioRules { MaxTurnsPerRequest = turns };
        Assert.Null(ScenarioRuleChecks.Validate(rules));

        var live = ScenarioPolicies.Defaults() with { Charging = new ChargingPolicy { MaxTurnsPerRequest = 3 } };
        Assert.Equal(turns, live.With(rules).Charging.MaxTurnsPerRequest);
    }

    [Fact]
    public void Without_the_rule_the_live_number_of_turns_stays()
    {
        var live = ScenarioPolicies.Defaults() with { Charging = new ChargingPolicy { MaxTurnsPerRequest = 3 } };

        Assert.Null(ScenarioRules.Live.MaxTurnsPerRequest);
        Assert.Equal(3, live.With(ScenarioRules.Live).Charging.MaxTurnsPerRequest);
        Assert.Equal(new ChargingPolicy().MaxTurnsPerRequest, ScenarioPolicies.Defaults().With(ScenarioRules.Live).Charging.MaxTurnsPerRequest);
    }
}
